import { mkdirSync, statfsSync } from 'node:fs';
import { BehaviorSubject, type Observable, distinctUntilChanged } from 'rxjs';
import type { Chunk } from '../../model/chunk.js';
import type { DeliveryEvent, DropReason } from '../../model/telemetry.js';
import type { BufferPolicy } from '../pointBuffer.js';
import type { DeliveryBuffer } from '../deliveryBuffer.js';
import { type IndexEntry, MEMORY_ONLY, ON_DISK, type RecordIndex, STANDS_IN } from './recordIndex.js';
import { SegmentLog, SpoolDiskError } from './segmentLog.js';
import { SpoolFaults } from './spoolFaults.js';

export interface SpoolOptions {
  /** SPOOL_DIR. */
  readonly dir: string;
  /** MAX_SPOOL_SIZE: bytes on disk of the chunks spooled; past it the oldest are dropped (`block`: sources wait). */
  readonly maxBytes: number;
  /** MAX_BUFFER_SIZE: line-protocol bytes of chunks held in memory too; the most held while the disk refuses them. */
  readonly windowBytes: number;
  /** SPOOL_SYNC_MS: the most a crash of the machine can lose (fdatasync at least this often; 0: at every append). */
  readonly syncMs: number;
  readonly policy?: BufferPolicy;
}

/** What the spool found at start-up: points to send first, damaged records skipped, and the room it has. */
export interface SpoolReplay {
  readonly points: number;
  readonly corrupt: number;
  /** Bytes the spool may take on its disk: the disk's free space and what it holds already. */
  readonly roomBytes: number;
}

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
  private readonly index: RecordIndex;
  /** Chunks the disk refused (or the remainders of records on disk), oldest first: sent first. */
  private readonly held: IndexEntry[] = [];
  private taken: IndexEntry | undefined;
  private totalPoints = 0;
  private totalBytes = 0;
  private diskBytes = 0;
  /** Line-protocol bytes of every chunk in memory, and of those only in memory. */
  private memoryBytes = 0;
  private heldBytes = 0;
  private readonly full$ = new BehaviorSubject(false);
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly faults = new SpoolFaults();
  private readonly log: SegmentLog;
  dropped = 0;
  /** Damaged records skipped, at start-up and when read back. */
  corrupt = 0;
  readonly replay: SpoolReplay;

  /** Opens (or makes) the spool; throws when SPOOL_DIR cannot be made or read. */
  constructor(private readonly options: SpoolOptions) {
    mkdirSync(options.dir, { recursive: true });
    const free = freeBytes(options.dir);
    const opened = SegmentLog.open(options.dir, segmentBytesFor(Math.min(options.maxBytes, free)));
    this.log = opened.log;
    this.index = opened.index;
    this.corrupt = opened.corrupt;
    for (let i = 0; i < this.index.length; i++) this.count(this.index.at(i), +1);
    this.replay = {
      points: this.totalPoints,
      corrupt: this.corrupt,
      roomBytes: freeBytes(options.dir) + this.diskBytes,
    };
    if (options.syncMs > 0) this.timer = setInterval(() => this.sync(), options.syncMs).unref();
  }

  get maxBytes(): number {
    return this.options.maxBytes;
  }
  get points(): number {
    return this.totalPoints;
  }
  get bytes(): number {
    return this.totalBytes;
  }
  get isEmpty(): boolean {
    return this.index.length === 0 && this.held.length === 0;
  }
  get pressure$(): Observable<boolean> {
    return this.full$.pipe(distinctUntilChanged());
  }

  push(chunk: Chunk): number {
    if (chunk.points === 0) return 0;
    const entry = this.spool(chunk, undefined);
    if (entry.residence === ON_DISK) this.index.push(entry);
    else this.held.push(entry);
    const dropped = this.afterAdd(entry);
    if (entry.residence === ON_DISK && this.held.length > 0) this.spoolHeld();
    return dropped;
  }

  unshift(chunk: Chunk): number {
    const taken = this.taken;
    this.taken = undefined;
    if (taken && taken.chunk === chunk) return this.afterAdd(this.putBack(taken)); // the same record goes back
    // What was left of it (a partial rejection): spooled before the original goes, never after.
    if (chunk.points === 0) {
      if (taken) this.release(taken);
      return 0;
    }
    const entry = this.spool(chunk, taken);
    if (entry.residence === ON_DISK) {
      if (taken) this.release(taken);
      this.index.unshift(entry);
    } else this.held.unshift(entry);
    return this.afterAdd(entry);
  }

  shift(): Chunk | undefined {
    for (;;) {
      const entry = this.held.shift() ?? this.index.shift();
      if (!entry) return undefined;
      this.count(entry, -1);
      const chunk = entry.chunk ?? this.log.read(entry, entry.length);
      this.settle();
      if (chunk) {
        this.taken = { ...entry, chunk };
        return chunk;
      }
      // damaged on disk since it was written: its points are lost, counted as dropped
      this.corrupt++;
      this.faults.tell({ type: 'spool-corrupt', records: 1 });
      this.drop(entry, 'corrupt');
    }
  }

  done(): void {
    if (this.taken) this.release(this.taken);
    this.taken = undefined;
  }

  takeEvents(): readonly DeliveryEvent[] {
    return this.faults.take();
  }

  /** Makes everything durable and closes the files; what is not acknowledged stays for the next start. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.log.close();
  }

  /** Writes a chunk to disk: an entry on disk, or held in memory while the disk refuses it. */
  private spool(chunk: Chunk, original: IndexEntry | undefined): IndexEntry {
    const { points, bytes } = chunk;
    try {
      const at = this.log.append(chunk);
      this.faults.recovered('append');
      if (this.options.syncMs === 0) this.sync();
      const cached = this.memoryBytes + bytes <= this.options.windowBytes ? chunk : undefined;
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
    for (let entry = this.held[0]; entry; entry = this.held[0]) {
      const onDisk = this.spool(entry.chunk!, entry);
      if (onDisk.residence !== ON_DISK) break;
      const moved = { ...onDisk, chunk: entry.chunk };
      this.held.shift();
      this.count(entry, -1);
      this.release(entry); // a remainder's original, now that the remainder is on disk
      this.count(moved, +1);
      spooled.push(moved);
    }
    for (const entry of spooled.reverse()) this.index.unshift(entry);
  }

  private putBack(entry: IndexEntry): IndexEntry {
    if (entry.residence === ON_DISK) this.index.unshift(entry);
    else this.held.unshift(entry);
    return entry;
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

  private count(entry: IndexEntry, sign: 1 | -1): void {
    this.totalPoints += sign * entry.points;
    this.totalBytes += sign * entry.bytes;
    this.diskBytes += sign * entry.length;
    if (entry.chunk) this.memoryBytes += sign * entry.bytes;
    if (entry.residence !== ON_DISK) this.heldBytes += sign * entry.bytes;
  }

  private afterAdd(entry: IndexEntry): number {
    this.count(entry, +1);
    const before = this.dropped;
    if (entry.residence !== ON_DISK) this.evictCached();
    if ((this.options.policy ?? 'drop-oldest') === 'drop-oldest') {
      while (this.heldBytes > this.options.windowBytes && this.held.length > 1)
        this.dropOldest(this.held, 'disk_error');
      while (this.diskBytes > this.options.maxBytes && this.index.length > 1) this.dropOldest(this.index, 'spool_full');
    }
    this.settle();
    return this.dropped - before;
  }

  private dropOldest(queue: { shift(): IndexEntry | undefined }, reason: DropReason): void {
    const oldest = queue.shift()!;
    this.count(oldest, -1);
    this.drop(oldest, reason);
  }

  /** Lets go of chunks on disk held in memory, newest first, while memory is over the window. */
  private evictCached(): void {
    for (let i = this.index.length - 1; i >= 0 && this.memoryBytes - this.heldBytes > 0; i--) {
      if (this.memoryBytes <= this.options.windowBytes) return;
      const entry = this.index.at(i);
      if (!entry.chunk) continue;
      this.index.hold(i, undefined);
      this.memoryBytes -= entry.bytes;
    }
  }

  /** fdatasync on the timer: a failure is told once and tried again at the next tick. */
  private sync(): void {
    try {
      this.log.sync();
      this.faults.recovered('sync');
    } catch (error) {
      this.faults.failed('sync', error);
    }
  }

  private settle(): void {
    const full = this.diskBytes >= this.options.maxBytes || this.heldBytes >= this.options.windowBytes;
    if (full !== this.full$.value) this.full$.next(full);
  }
}

function freeBytes(dir: string): number {
  try {
    const { bavail, bsize } = statfsSync(dir);
    return bavail * bsize;
  } catch {
    return Number.POSITIVE_INFINITY; // unknown: nothing to warn about
  }
}

/**
 * Segments of 1/16 of the spool's bound, or of the free space when smaller, between 1 and 64 MiB:
 * a segment goes only once all of it is acknowledged, so on a full disk a small one frees room soon.
 */
const segmentBytesFor = (maxBytes: number): number =>
  Math.min(64 * 2 ** 20, Math.max(2 ** 20, Math.floor(maxBytes / 16)));
