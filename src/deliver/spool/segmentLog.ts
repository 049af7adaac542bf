import {
  closeSync,
  fdatasyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  unlinkSync,
  writevSync,
} from 'node:fs';
import type { Chunk } from '../../model/chunk.js';
import type { RecordIndex } from './recordIndex.js';
import { fileOf, syncDirectory } from './segmentFiles.js';
import { openSegments } from './segmentOpen.js';
import { type RecordAt, ackRecord, dataRecord, recordAt } from './spoolRecord.js';
import { errorCode } from './errorCode.js';

/** Where an appended record is, and its size on disk. */
export interface Appended extends RecordAt {
  readonly length: number;
}

/** A write the disk refused (ENOSPC, EROFS, EIO, a short write): nothing of it is left in the file. */
export class SpoolDiskError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SpoolDiskError';
  }
}

const diskError = (error: unknown, doing: string): SpoolDiskError =>
  error instanceof SpoolDiskError
    ? error
    : new SpoolDiskError(errorCode(error), `cannot ${doing}: ${errorCode(error)}`);

/**
 * The spool's files: an append-only log of checksummed records (`spoolRecord`) in numbered
 * segments. A chunk is appended as a data record; when the database has acknowledged it, an ack
 * record naming it is appended; a segment is deleted once it and every older segment hold no
 * unacknowledged data, so that an ack is never deleted before the record it names. Appends go to
 * the page cache at once (a killed process loses nothing); `sync` makes them durable.
 *
 * Writes are positional, at the end of the last intact record: a write the disk refused halfway
 * is cut off again, so offsets always match the file. An ack the disk refuses is held in memory
 * and written with the next append that succeeds: deleting acknowledged segments needs no space.
 */
export class SegmentLog {
  private fd: number | undefined;
  private current: number;
  private size = 0;
  private dirty = false;
  /** Unacknowledged data records per segment, oldest segment first. */
  private readonly live = new Map<number, number>();
  /** Acks the disk refused, written before the next append. */
  private heldAcks: RecordAt[] = [];

  private constructor(
    readonly dir: string,
    private readonly segmentBytes: number,
    last: number,
  ) {
    this.current = last;
  }

  /**
   * Opens the spool in `dir` (made if missing), a segment at a time: an index of the records not
   * yet acknowledged, oldest first, and the damaged stretches skipped. A torn tail is cut off, so
   * that it is counted once. Throws when the folder cannot be made or read.
   */
  static open(dir: string, segmentBytes: number): { log: SegmentLog; index: RecordIndex; corrupt: number } {
    mkdirSync(dir, { recursive: true });
    const { segments, index, corrupt, unreadable } = openSegments(dir);
    const log = new SegmentLog(dir, segmentBytes, segments.at(-1) ?? 0);
    for (const segment of segments) log.live.set(segment, unreadable.has(segment) ? 1 : 0);
    for (let i = 0; i < index.length; i++) {
      const { segment } = index.at(i);
      log.live.set(segment, log.live.get(segment)! + 1);
    }
    log.prune();
    return { log, index, corrupt };
  }

  /** Appends a chunk: where it is. Throws `SpoolDiskError` when the disk refuses it (then nothing of it stays). */
  append(chunk: Chunk): Appended {
    this.writeHeldAcks();
    const at = this.write(dataRecord(chunk));
    this.live.set(at.segment, (this.live.get(at.segment) ?? 0) + 1);
    return at;
  }

  /** The database acknowledged this record (or it was dropped): it may go. Never throws. */
  ack(at: RecordAt): void {
    const left = (this.live.get(at.segment) ?? 1) - 1;
    if (this.live.has(at.segment)) this.live.set(at.segment, left);
    try {
      this.writeHeldAcks();
      this.write(ackRecord(at));
    } catch {
      this.heldAcks.push(at); // written with the next append that succeeds, unless its segment goes first
    }
    if (left === 0) this.prune();
  }

  /** A record's chunk read back from its segment, or undefined when it is damaged or gone there. */
  read(at: RecordAt, length: number): Chunk | undefined {
    try {
      const fd = openSync(fileOf(this.dir, at.segment), 'r');
      try {
        const data = Buffer.allocUnsafe(length);
        const got = readSync(fd, data, 0, length, at.offset);
        const record = recordAt(data.subarray(0, got), 0);
        return record?.kind === 'data' ? record.chunk : undefined;
      } finally {
        closeSync(fd);
      }
    } catch {
      return undefined; // the disk cannot give it back (EIO): as lost as a damaged record
    }
  }

  /** Makes what was appended durable (fdatasync), when anything was; throws what the disk answers. */
  sync(): void {
    if (!this.dirty || this.fd === undefined) return;
    fdatasyncSync(this.fd);
    this.dirty = false;
  }

  /** Durable, closed; acks still held are tried once more. */
  close(): void {
    try {
      this.writeHeldAcks();
      this.sync();
    } catch {
      // what could not be made durable is sent again at the next start (at least once)
    }
    try {
      if (this.fd !== undefined) closeSync(this.fd);
    } catch {
      // closed all the same
    }
    this.fd = undefined;
  }

  private writeHeldAcks(): void {
    while (this.heldAcks.length > 0) {
      const at = this.heldAcks[0]!;
      if (this.live.has(at.segment)) this.write(ackRecord(at));
      this.heldAcks.shift();
    }
  }

  private write(parts: [Buffer, Buffer]): Appended {
    try {
      if (this.fd === undefined || this.size >= this.segmentBytes) this.rotate();
    } catch (error) {
      throw diskError(error, 'start a spool segment');
    }
    const fd = this.fd!;
    const length = parts[0].length + parts[1].length;
    const at = { segment: this.current, offset: this.size, length };
    try {
      writeWhole(fd, parts, this.size, length);
    } catch (error) {
      this.cutBack(fd);
      throw diskError(error, 'append to the spool');
    }
    this.size += length;
    this.dirty = true;
    return at;
  }

  /** Cuts what a refused write left off the file; if even that fails, the next write overwrites it. */
  private cutBack(fd: number): void {
    try {
      ftruncateSync(fd, this.size);
    } catch {
      // positional writes start at `size` whatever the file holds beyond it
    }
  }

  /** Starts the next segment; a new file each time (`wx`), never one another process writes. */
  private rotate(): void {
    if (this.fd !== undefined) {
      this.sync(); // a segment is closed only once durable
      closeSync(this.fd);
      this.fd = undefined;
    }
    let next = this.current + 1;
    for (;;) {
      try {
        this.fd = openSync(fileOf(this.dir, next), 'wx');
        break;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
        next++;
      }
    }
    this.current = next;
    this.size = 0;
    this.live.set(next, 0);
    syncDirectory(this.dir);
  }

  /** Deletes the oldest segments while they hold nothing unacknowledged (never the one being written). */
  private prune(): void {
    let deleted = false;
    for (const [segment, live] of this.live) {
      if (live > 0 || (segment === this.current && this.fd !== undefined)) break;
      try {
        unlinkSync(fileOf(this.dir, segment));
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') break; // kept, and tried again at the next prune
      }
      this.live.delete(segment);
      deleted = true;
    }
    if (deleted) {
      this.heldAcks = this.heldAcks.filter((at) => this.live.has(at.segment));
      try {
        syncDirectory(this.dir);
      } catch {
        // a deletion that is not durable is done again at the next start
      }
    }
  }
}

/**
 * Writes all of a record at `position`: a short write (the disk had room for part of it) is
 * followed by a write of the rest, which either goes through or fails with the disk's reason
 * (ENOSPC); then the caller cuts off the part that was written.
 */
function writeWhole(fd: number, parts: [Buffer, Buffer], position: number, length: number): void {
  let written = writevSync(fd, parts, position);
  while (written < length) {
    const rest = Buffer.concat(parts).subarray(written);
    const more = writevSync(fd, [rest], position + written);
    if (more === 0) throw new SpoolDiskError('short write', `the disk took ${written} of ${length} bytes`);
    written += more;
  }
}
