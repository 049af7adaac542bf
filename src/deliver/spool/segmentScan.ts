import { readSync } from 'node:fs';
import { HEADER_BYTES, MAGIC, MAGIC_BYTES, type SpoolRecord, recordAt } from './spoolRecord.js';

/** What scanning a segment found: damaged stretches skipped, and where a damaged tail begins. */
export interface SegmentScan {
  readonly corrupt: number;
  /** Set when the segment ends in damage (a torn last write): the end of its last intact record. */
  readonly tornFrom: number | undefined;
}

/** A record as the scan hands it on: a data record's body is a view of a reused buffer, gone after the visit. */
export type ScannedRecord = SpoolRecord;

/**
 * Visits a record. `chained`: it was reached record by record from the segment's start, so it
 * is one the spool wrote there; after damage, reading resumes at the next magic, which may lie
 * in a damaged record's body (a label's bytes), so what is found from there may be forged.
 */
export type RecordVisitor = (record: ScannedRecord, chained: boolean) => void;

const BLOCK = 2 ** 20;

/**
 * Every intact record of a segment file, in order, read a record at a time into one reused
 * buffer, so that opening a spool of any size holds one record in memory, not its files. A
 * damaged record (a bit flipped, a write torn by a crash or a full disk) is skipped: reading
 * resumes at the next place a record begins (its magic and a matching checksum), and each
 * damaged stretch is counted once. Records found after a resync are told apart (`chained`).
 */
export function scanSegment(fd: number, size: number, visit: RecordVisitor): SegmentScan {
  const reader = new RecordReader(fd, size);
  let corrupt = 0;
  let at = 0;
  let intactEnd = 0;
  let damaged = false;
  let chained = true;
  while (at < size) {
    const record = reader.recordAt(at);
    if (record) {
      visit(record, chained);
      at += record.length;
      intactEnd = at;
      damaged = false;
      continue;
    }
    if (!damaged) corrupt++;
    damaged = true;
    chained = false;
    const next = reader.nextMagic(at + 1);
    if (next < 0) break;
    at = next;
  }
  return { corrupt, tornFrom: damaged ? intactEnd : undefined };
}

/**
 * Reads records of one file by offset through a window of the file (a MiB, or the largest record):
 * a read for a window's worth of records, not two for each, since tiny records are common.
 */
class RecordReader {
  private buffer = Buffer.allocUnsafe(BLOCK);
  /** The file's bytes from `start` to `end` are in the buffer. */
  private start = 0;
  private end = 0;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {}

  recordAt(at: number): SpoolRecord | undefined {
    if (at + HEADER_BYTES > this.size) return undefined;
    const header = this.read(at, HEADER_BYTES);
    if (header.readUInt32LE(0) !== MAGIC) return undefined;
    const length = HEADER_BYTES + header.readUInt32LE(8);
    if (at + length > this.size) return undefined; // torn: the write did not finish
    const record = recordAt(this.read(at, length), 0);
    return record && { ...record, at };
  }

  /** The offset of the next record magic from `from`, or -1. */
  nextMagic(from: number): number {
    for (let at = from; at < this.size; at += BLOCK - (MAGIC_BYTES.length - 1)) {
      const found = this.read(at, Math.min(BLOCK, this.size - at)).indexOf(MAGIC_BYTES);
      if (found >= 0) return at + found;
    }
    return -1;
  }

  private read(at: number, length: number): Buffer {
    if (at < this.start || at + length > this.end) {
      if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(length);
      const got = readSync(this.fd, this.buffer, 0, Math.min(this.buffer.length, this.size - at), at);
      [this.start, this.end] = [at, at + got];
    }
    return this.buffer.subarray(at - this.start, Math.min(at + length, this.end) - this.start);
  }
}
