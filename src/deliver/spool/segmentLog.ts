import {
  closeSync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  unlinkSync,
  writevSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Chunk } from '../../model/chunk.js';
import { type RecordAt, ackRecord, dataRecord, readSegment, recordAt } from './spoolRecord.js';

/** A data record found on disk at start-up that the database has not acknowledged. */
export interface SpooledRecord {
  readonly at: RecordAt;
  readonly length: number;
  /** A view of the segment's bytes: copied by whoever keeps it. */
  readonly chunk: Chunk;
}

const SEGMENT = /^(\d{12})\.seg$/;
const fileOf = (dir: string, segment: number): string => join(dir, `${String(segment).padStart(12, '0')}.seg`);

/**
 * The spool's files: an append-only log of checksummed records (`spoolRecord`) in numbered
 * segments. A chunk is appended as a data record; when the database has acknowledged it, an ack
 * record naming it is appended; a segment is deleted once it and every older segment hold no
 * unacknowledged data, so that an ack is never deleted before the record it names. Appends go to
 * the page cache at once (a killed process loses nothing); `sync` makes them durable.
 */
export class SegmentLog {
  private fd: number;
  private size = 0;
  private dirty = false;
  /** Unacknowledged data records per segment, oldest segment first. */
  private readonly live = new Map<number, number>();

  private constructor(
    readonly dir: string,
    private readonly segmentBytes: number,
    private current: number,
  ) {
    this.fd = openSync(fileOf(dir, current), 'a');
    this.live.set(current, 0);
  }

  /** Opens the spool in `dir` (made if missing): the records not yet acknowledged, oldest first. */
  static open(dir: string, segmentBytes: number): { log: SegmentLog; records: SpooledRecord[]; corrupt: number } {
    mkdirSync(dir, { recursive: true });
    const segments = readdirSync(dir)
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const found: SpooledRecord[] = [];
    const acked = new Set<string>();
    let corrupt = 0;
    for (const segment of segments) {
      const contents = readSegment(readFileSync(fileOf(dir, segment)));
      corrupt += contents.corrupt;
      for (const r of contents.records) {
        if (r.kind === 'ack') acked.add(`${r.target.segment}:${r.target.offset}`);
        else found.push({ at: { segment, offset: r.at }, length: r.length, chunk: r.chunk });
      }
    }
    const log = new SegmentLog(dir, segmentBytes, (segments.at(-1) ?? 0) + 1);
    const records = found.filter((r) => !acked.has(`${r.at.segment}:${r.at.offset}`));
    // Oldest first, the segment being written last: `prune` walks them in this order.
    log.live.delete(log.current);
    for (const segment of segments) log.live.set(segment, 0);
    log.live.set(log.current, 0);
    for (const r of records) log.live.set(r.at.segment, log.live.get(r.at.segment)! + 1);
    log.prune();
    return { log, records, corrupt };
  }

  /** Appends a chunk; where it is. */
  append(chunk: Chunk): { at: RecordAt; length: number } {
    const at = this.write(dataRecord(chunk));
    this.live.set(at.segment, this.live.get(at.segment)! + 1);
    return { at, length: at.length };
  }

  /** The database acknowledged this record: it may go. */
  ack(at: RecordAt): void {
    this.write(ackRecord(at));
    const left = (this.live.get(at.segment) ?? 1) - 1;
    this.live.set(at.segment, left);
    if (left === 0) this.prune();
  }

  /** A record's chunk read back from its segment, or undefined when it is damaged there. */
  read(at: RecordAt, length: number): Chunk | undefined {
    const fd = openSync(fileOf(this.dir, at.segment), 'r');
    try {
      const data = Buffer.allocUnsafe(length);
      const got = readSync(fd, data, 0, length, at.offset);
      const record = recordAt(data.subarray(0, got), 0);
      return record?.kind === 'data' ? record.chunk : undefined;
    } finally {
      closeSync(fd);
    }
  }

  /** Makes what was appended durable (fdatasync), when anything was. */
  sync(): void {
    if (!this.dirty) return;
    fdatasyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    this.sync();
    closeSync(this.fd);
  }

  private write(parts: [Buffer, Buffer]): RecordAt & { length: number } {
    const length = parts[0].length + parts[1].length;
    const at = { segment: this.current, offset: this.size, length };
    writevSync(this.fd, parts);
    this.size += length;
    this.dirty = true;
    if (this.size >= this.segmentBytes) this.rotate();
    return at;
  }

  private rotate(): void {
    this.sync();
    closeSync(this.fd);
    this.current++;
    this.size = 0;
    this.fd = openSync(fileOf(this.dir, this.current), 'a');
    this.live.set(this.current, 0);
  }

  /** Deletes the oldest segments while they hold nothing unacknowledged (never the one being written). */
  private prune(): void {
    for (const [segment, live] of this.live) {
      if (live > 0 || segment === this.current) return;
      unlinkSync(fileOf(this.dir, segment));
      this.live.delete(segment);
    }
  }
}
