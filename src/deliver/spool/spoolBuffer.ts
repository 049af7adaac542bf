import { mkdirSync } from 'node:fs';
import type { Observable } from 'rxjs';
import type { Chunk } from '../../model/chunk.js';
import type { DeliveryEvent, DropReason } from '../../model/telemetry.js';
import type { DeliveryBuffer } from '../deliveryBuffer.js';
import { type IndexEntry, MEMORY_ONLY, ON_DISK, STANDS_IN } from './recordIndex.js';
import { type Overflow, SpoolQueue } from './spoolQueue.js';
import { SegmentLog, SpoolDiskError } from './segmentLog.js';
import { SpoolFaults } from './spoolFaults.js';
import {
  READ_TRIES,
  type SpoolOptions,
  type SpoolReplay,
  TRANSIENT,
  freeBytes,
  segmentBytesFor,
} from './spoolOptions.js';

export type { SpoolOptions, SpoolReplay } from './spoolOptions.js';

/**
 * The disk spool (SPOOL_DIR): a delivery buffer whose every chunk is on disk before it counts as
 * buffered, and leaves the disk only when the database has acknowledged it (`done`) or room is
 * made for newer points (drop-oldest, counted). Memory holds a window of chunks, up to
 * `windowBytes` of line protocol; the others are read back from disk when their turn comes. What
 * a previous run left is sent first, oldest first. Delivery is at least once: a chunk written
 * just before a crash, whose ack did not reach the disk, is sent again.
 *
 * When the disk refuses a write (full, read-only, failing), chunks are held in memory within
 * `windowBytes` (the oldest dropped past it, counted as `disk_error`), sent before the disk's
 * backlog since a crash would lose them, and the spool writes to disk again by itself at the
 * first append the disk takes. Each episode is told once.
 */
export class SpoolBuffer implements DeliveryBuffer {
  private readonly queue: SpoolQueue;
  private taken: IndexEntry | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly faults = new SpoolFaults();
  private readonly log: SegmentLog;
  /** Reads of the first record in line that failed in a row. */
  private readFailures = 0;
  dropped = 0;
  /** Damaged records skipped, at start-up and when read back. */
  corrupt = 0;
  readonly replay: SpoolReplay;
  private readonly overflow: Overflow = (entry, reason) => this.drop(entry, reason);

  /** Opens (or makes) the spool; throws when SPOOL_DIR cannot be made or read. */
  constructor(private readonly options: SpoolOptions) {
    mkdirSync(options.dir, { recursive: true });
    const free = freeBytes(options.dir);
    const opened = SegmentLog.open(options.dir, segmentBytesFor(Math.min(options.maxBytes, free)));
    this.log = opened.log;
    this.queue = new SpoolQueue(opened.index, options);
    this.corrupt = opened.corrupt;
    this.replay = {
      points: this.queue.points,
      corrupt: this.corrupt,
      roomBytes: freeBytes(options.dir) + this.queue.diskBytes,
    };
    if (options.syncMs > 0) this.timer = setInterval(() => this.tick(), options.syncMs).unref();
  }

  get maxBytes(): number {
    return this.options.maxBytes;
  }
  get points(): number {
    return this.queue.points;
  }
  get bytes(): number {
    return this.queue.bytes;
  }
  get isEmpty(): boolean {
    return this.queue.isEmpty;
  }
  get pressure$(): Observable<boolean> {
    return this.queue.pressure$;
  }

  push(chunk: Chunk): number {
    if (chunk.points === 0) return 0;
    const entry = this.spool(chunk, undefined);
    const before = this.dropped;
    this.added(entry);
    if (entry.residence === ON_DISK) this.spoolHeld();
    this.settleWrites();
    return this.dropped - before;
  }

  unshift(chunk: Chunk): number {
    const taken = this.taken;
    this.taken = undefined;
    if (taken && taken.chunk === chunk) return this.added(taken, true); // the same record goes back (or its stand-in)
    // What was left of it (a partial rejection): spooled before the original goes, never after.
    if (chunk.points === 0) {
      if (taken) this.release(taken);
      return 0;
    }
    const entry = this.spool(chunk, taken);
    if (entry.residence === ON_DISK && taken) this.release(taken);
    const before = this.dropped;
    this.added(entry, true);
    this.settleWrites();
    return this.dropped - before;
  }

  shift(): Chunk | undefined {
    for (let entry = this.queue.take(); entry; entry = this.queue.take()) {
      const chunk = entry.chunk ?? this.readBack(entry);
      if (chunk === 'later') return undefined;
      if (chunk !== 'damaged') {
        this.taken = { ...entry, chunk };
        return chunk;
      }
      // damaged on disk since it was written: its points are lost, counted as dropped
      this.corrupt++;
      this.faults.tell({ type: 'spool-corrupt', records: 1 });
      this.drop(entry, 'corrupt');
    }
    return undefined;
  }

  done(): void {
    if (this.taken) this.release(this.taken);
    this.taken = undefined;
  }

  takeEvents(): readonly DeliveryEvent[] {
    return this.faults.take();
  }

  /**
   * Makes everything durable and closes the files; what is not acknowledged stays for the next
   * start. Chunks the disk refused are tried once more; returns the points it still refuses, which
   * lived in memory only and are lost with the process.
   */
  close(): number {
    if (this.timer) clearInterval(this.timer);
    const dropped = this.dropped;
    // A last fdatasync may report what an earlier writeback lost: that is written again, a few times at most.
    for (let tries = 0; tries < 3; tries++) {
      this.spoolHeld();
      if (this.sync()) break;
    }
    this.log.close();
    return this.queue.memoryOnlyPoints + (this.dropped - dropped);
  }

  /** The timer: what waits in memory goes to disk once it takes it (sources may be held), then fdatasync. */
  private tick(): void {
    this.spoolHeld();
    this.sync();
  }

  /** After writes: fdatasync when every append must be durable; what a failed one may have lost goes again. */
  private settleWrites(): void {
    if (this.options.syncMs === 0) this.sync();
    else this.rescueUnsynced(); // a rotation's fdatasync may have failed
  }

  private added(entry: IndexEntry, first = false): number {
    const before = this.dropped;
    this.queue.add(entry, this.overflow, first);
    return this.dropped - before;
  }

  /**
   * A record read back from disk; 'later' when the disk cannot read now (it stays first in line,
   * and the next drain tries again), and lost (`disk_error`) once it failed `READ_TRIES` times
   * for a reason other than running out of descriptors or memory.
   */
  private readBack(entry: IndexEntry): Chunk | 'damaged' | 'later' {
    try {
      const chunk = this.log.read(entry, entry.length);
      this.readFailures = 0;
      this.faults.recovered('read');
      return chunk;
    } catch (error) {
      if (!(error instanceof SpoolDiskError)) throw error;
      this.faults.failed('read', error);
      if (TRANSIENT.has(error.code) || ++this.readFailures < READ_TRIES) this.queue.putBack(entry);
      else {
        this.readFailures = 0;
        this.drop(entry, 'disk_error');
      }
      return 'later';
    }
  }

  /** Writes a chunk to disk: an entry on disk, or held in memory while the disk refuses it. */
  private spool(chunk: Chunk, original: IndexEntry | undefined): IndexEntry {
    const { points, bytes } = chunk;
    try {
      const at = this.log.append(chunk);
      this.faults.recovered('append');
      const cached = this.queue.fitsWindow(bytes) ? chunk : undefined;
      return { ...at, points, bytes, residence: ON_DISK, chunk: cached };
    } catch (error) {
      if (!(error instanceof SpoolDiskError)) throw error;
      this.faults.failed('append', error);
      // a remainder stands in for its original, which stays on disk until the remainder is written
      if (original && original.residence !== MEMORY_ONLY)
        return { ...original, points, bytes, residence: STANDS_IN, chunk };
      return { segment: 0, offset: 0, length: 0, points, bytes, residence: MEMORY_ONLY, chunk };
    }
  }

  /** The disk takes writes again: what waited in memory goes to disk too (a crash would lose it), ahead of the rest. */
  private spoolHeld(): void {
    const spooled: IndexEntry[] = [];
    for (let entry = this.queue.heldFirst; entry; entry = this.queue.heldFirst) {
      const onDisk = this.spool(entry.chunk!, entry);
      if (onDisk.residence !== ON_DISK) break;
      this.queue.shiftHeld();
      this.release(entry); // a remainder's original, now that the remainder is on disk
      spooled.push({ ...onDisk, chunk: entry.chunk });
    }
    for (const entry of spooled.reverse()) this.queue.putBack(entry);
  }

  /** The record behind an entry may go: acknowledged on disk (an entry only in memory has none). */
  private release(entry: IndexEntry): void {
    if (entry.residence !== MEMORY_ONLY) this.log.ack(entry);
  }

  private drop(entry: IndexEntry, reason: DropReason): void {
    this.release(entry);
    this.dropped += entry.points;
    this.faults.tell({ type: 'points-dropped', points: entry.points, reason });
  }

  /** fdatasync (on the timer): a failure is told once and tried again at the next tick. Whether it went through. */
  private sync(): boolean {
    try {
      this.log.sync();
      this.faults.recovered('sync');
      return true;
    } catch (error) {
      this.faults.failed('sync', error);
      this.rescueUnsynced();
      return false;
    }
  }

  /**
   * The records a failed fdatasync may have lost on disk are written again, to a new segment (the
   * log starts one after a failed fdatasync), so that neither a later fdatasync that claims
   * success nor a crash loses them unseen; one the disk refuses now waits in memory, standing in
   * for its record. The chunk being delivered is marked so: put back, it is written again too.
   */
  private rescueUnsynced(): void {
    const ranges = this.log.takeUnsynced();
    if (ranges.length === 0) return;
    const unsure = (e: IndexEntry): boolean =>
      e.residence === ON_DISK && ranges.some((r) => e.segment === r.segment && e.offset >= r.from);
    if (this.taken && unsure(this.taken)) this.taken = { ...this.taken, residence: STANDS_IN };
    for (const entry of this.queue.takeOnDisk(unsure)) {
      const chunk = entry.chunk ?? this.readBackNow(entry);
      if (!chunk) {
        this.added(entry); // the page cache no longer has it: it stays, as a record that may be damaged
        continue;
      }
      const again = this.spool(chunk, entry);
      if (again.residence === ON_DISK) this.release(entry);
      this.added(again.residence === ON_DISK ? { ...again, chunk: entry.chunk } : again);
    }
  }

  /** A record read back at once, from the page cache if it is still there; undefined when it cannot be. */
  private readBackNow(entry: IndexEntry): Chunk | undefined {
    try {
      const chunk = this.log.read(entry, entry.length);
      return chunk === 'damaged' ? undefined : chunk;
    } catch {
      return undefined;
    }
  }
}
