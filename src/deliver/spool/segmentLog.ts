import { fdatasyncSync, ftruncateSync, mkdirSync, openSync, readSync, unlinkSync } from 'node:fs';
import type { Chunk } from '../../model/chunk.js';
import type { RecordIndex } from './recordIndex.js';
import { fileOf, syncDirectory } from './segmentFiles.js';
import { openSegments } from './segmentOpen.js';
import { type RecordAt, ackRecord, dataRecord, recordAt } from './spoolRecord.js';
import { closeQuietly, diskError, writeWhole } from './diskWrites.js';
import { errorCode } from './errorCode.js';

export { SpoolDiskError } from './diskWrites.js';

/** Where an appended record is, and its size on disk. */
export interface Appended extends RecordAt {
  readonly length: number;
}

/**
 * The spool's files: an append-only log of checksummed records (`spoolRecord`) in numbered
 * segments. A chunk is appended as a data record; when the database has acknowledged it, an ack
 * record naming it is appended; a segment is deleted once it and every older segment hold no
 * unacknowledged data, so that an ack is never deleted before the record it names (a segment
 * the disk cannot read is kept, and passed over: its records may come again, at least once). Appends go to
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
  /** The end of what the last good fdatasync made durable in the current segment. */
  private synced = 0;
  private readonly unsynced: Array<{ segment: number; from: number }> = [];
  /** Set when an fdatasync of the current segment, or cutting a refused write off it, failed: no more goes in. */
  private abandoned = false;
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
    // A segment the disk cannot read now is kept for a later start, and blocks no deletion meanwhile.
    for (const segment of segments) if (!unreadable.has(segment)) log.live.set(segment, 0);
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

  /**
   * A record's chunk read back from its segment, or 'damaged' when its bytes fail the checksum or
   * the segment is gone. Throws `SpoolDiskError` when the disk cannot read now (EMFILE, EIO): the
   * record may still be whole, so it is not given up for lost here.
   */
  read(at: RecordAt, length: number): Chunk | 'damaged' {
    let fd: number;
    try {
      fd = openSync(fileOf(this.dir, at.segment), 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return 'damaged';
      throw diskError(error, 'read the spool');
    }
    try {
      const data = Buffer.allocUnsafe(length);
      const got = readSync(fd, data, 0, length, at.offset);
      const record = recordAt(data.subarray(0, got), 0);
      return record?.kind === 'data' ? record.chunk : 'damaged';
    } catch (error) {
      throw diskError(error, 'read the spool');
    } finally {
      closeQuietly(fd);
    }
  }

  /**
   * Makes what was appended durable (fdatasync), when anything was; throws what the disk answers.
   * After a failed fdatasync Linux may have dropped the pages it could not write and a later one
   * succeeds all the same ("fsyncgate"): the records appended since the last good one are told by
   * `takeUnsynced`, for the caller to write again.
   */
  sync(): void {
    if (!this.dirty || this.fd === undefined) return;
    try {
      fdatasyncSync(this.fd);
    } catch (error) {
      if (this.size > this.synced) this.unsynced.push({ segment: this.current, from: this.synced });
      this.synced = this.size;
      // Blocks whose writeback failed may swallow later writes too (ext4 on a full loop device
      // does): the next record starts a new file.
      this.abandoned = true;
      throw error;
    }
    this.dirty = false;
    this.synced = this.size;
  }

  /** Where records appended since the last good fdatasync begin, per failed fdatasync since the last call. */
  takeUnsynced(): ReadonlyArray<{ readonly segment: number; readonly from: number }> {
    return this.unsynced.splice(0);
  }

  /** Durable, closed; acks still held are tried once more. */
  close(): void {
    try {
      this.writeHeldAcks();
      this.sync();
    } catch {
      // what could not be made durable is sent again at the next start (at least once)
    }
    if (this.fd !== undefined) closeQuietly(this.fd);
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
      if (this.fd === undefined || this.size >= this.segmentBytes || this.abandoned) this.rotate();
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
      // what stays beyond `size` could hold a record boundary after a crash: the next record goes to a new file
      this.abandoned = true;
    }
  }

  /** Starts the next segment; a new file each time (`wx`), never one another process writes. */
  private rotate(): void {
    if (this.fd !== undefined) {
      this.sync(); // closed only once durable (after a failed fdatasync the answer may be untrue: rescued)
      closeQuietly(this.fd);
      this.fd = undefined;
      this.abandoned = false;
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
    this.synced = 0;
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
