import { BehaviorSubject, type Observable, distinctUntilChanged } from 'rxjs';
import type { DropReason } from '../../model/telemetry.js';
import type { BufferPolicy } from '../pointBuffer.js';
import { type IndexEntry, MEMORY_ONLY, ON_DISK, type RecordIndex } from './recordIndex.js';

/** The bounds a spool keeps: on disk, and in memory. */
export interface SpoolBounds {
  /** MAX_SPOOL_SIZE: bytes on disk. */
  readonly maxBytes: number;
  /** MAX_BUFFER_SIZE: line-protocol bytes in memory. */
  readonly windowBytes: number;
  readonly policy?: BufferPolicy | undefined;
}

/** An entry that had to go to keep a bound, and which bound. */
export type Overflow = (entry: IndexEntry, reason: DropReason) => void;

/**
 * The spool's two queues and what they hold: `held`, chunks in memory only or standing in for a
 * record on disk (sent first, since a crash would lose them), and the index of records on disk,
 * some of them also held in memory up to the window. It keeps the counts and the bounds; the disk
 * is the `SpoolBuffer`'s business.
 */
export class SpoolQueue {
  private readonly held: IndexEntry[] = [];
  points = 0;
  bytes = 0;
  /** Bytes of records on disk. */
  diskBytes = 0;
  /** Line-protocol bytes of every chunk in memory, and of those only in memory. */
  private memoryBytes = 0;
  private heldBytes = 0;
  /** The largest chunk seen: under `block`, the sources are held while one more would not fit the window. */
  private largest = 0;
  private readonly full$ = new BehaviorSubject(false);

  constructor(
    private readonly index: RecordIndex,
    private readonly bounds: SpoolBounds,
  ) {
    for (let i = 0; i < index.length; i++) this.count(index.at(i), +1);
  }

  get isEmpty(): boolean {
    return this.index.length === 0 && this.held.length === 0;
  }
  get pressure$(): Observable<boolean> {
    return this.full$.pipe(distinctUntilChanged());
  }
  get heldFirst(): IndexEntry | undefined {
    return this.held[0];
  }
  /** Whether a chunk of `bytes` may also stay in memory beside its record. */
  fitsWindow(bytes: number): boolean {
    return this.memoryBytes + bytes <= this.bounds.windowBytes;
  }
  /** Points that live in memory only: lost with the process. */
  get memoryOnlyPoints(): number {
    return this.held.reduce((n, entry) => n + (entry.residence === MEMORY_ONLY ? entry.points : 0), 0);
  }

  /** Adds an entry at the back (or, `first`, at the front) of its queue, then keeps the bounds. */
  add(entry: IndexEntry, overflow: Overflow, first = false): void {
    const queue = entry.residence === ON_DISK ? this.index : this.held;
    if (first) queue.unshift(entry);
    else queue.push(entry);
    this.count(entry, +1);
    this.largest = Math.max(this.largest, entry.bytes);
    if (entry.residence !== ON_DISK) this.evictCached();
    // Memory is bounded under either policy: `block` holds the sources, but not what a refusing disk leaves in memory.
    while (this.heldBytes > this.bounds.windowBytes && this.held.length > 1)
      this.dropOldest(this.held, 'disk_error', overflow);
    if ((this.bounds.policy ?? 'drop-oldest') === 'drop-oldest')
      while (this.diskBytes > this.bounds.maxBytes && this.index.length > 1)
        this.dropOldest(this.index, 'spool_full', overflow);
    this.settle();
  }

  /** Takes the entry next in line: what is held first, then the oldest on disk. */
  take(): IndexEntry | undefined {
    const entry = this.held.shift() ?? this.index.shift();
    if (entry) this.count(entry, -1);
    this.settle();
    return entry;
  }

  /** Puts an entry taken back at the front of its queue, bounds untouched (it was there). */
  putBack(entry: IndexEntry): void {
    if (entry.residence === ON_DISK) this.index.unshift(entry);
    else this.held.unshift(entry);
    this.count(entry, +1);
    this.settle();
  }

  /** Takes the first held entry out (to be spooled: it comes back with `putBack`). */
  shiftHeld(): IndexEntry | undefined {
    const entry = this.held.shift();
    if (entry) this.count(entry, -1);
    return entry;
  }

  /** Moves the entries on disk that `unsure` picks, in order, out of the index: to be held again by the caller. */
  takeOnDisk(unsure: (entry: IndexEntry) => boolean): IndexEntry[] {
    const taken: IndexEntry[] = [];
    for (let n = this.index.length; n > 0; n--) {
      const entry = this.index.shift()!;
      if (unsure(entry)) {
        this.count(entry, -1);
        taken.push(entry);
      } else this.index.push(entry);
    }
    return taken;
  }

  private dropOldest(queue: { shift(): IndexEntry | undefined }, reason: DropReason, overflow: Overflow): void {
    const oldest = queue.shift()!;
    this.count(oldest, -1);
    overflow(oldest, reason);
  }

  private count(entry: IndexEntry, sign: 1 | -1): void {
    this.points += sign * entry.points;
    this.bytes += sign * entry.bytes;
    this.diskBytes += sign * entry.length;
    if (entry.chunk) this.memoryBytes += sign * entry.bytes;
    if (entry.residence !== ON_DISK) this.heldBytes += sign * entry.bytes;
  }

  /** Lets go of chunks on disk held in memory, newest first, while memory is over the window. */
  private evictCached(): void {
    for (let i = this.index.length - 1; i >= 0 && this.memoryBytes - this.heldBytes > 0; i--) {
      if (this.memoryBytes <= this.bounds.windowBytes) return;
      const entry = this.index.at(i);
      if (!entry.chunk) continue;
      this.index.hold(i, undefined);
      this.memoryBytes -= entry.bytes;
    }
  }

  private settle(): void {
    const room = this.bounds.policy === 'block' && this.heldBytes > 0 ? this.largest : 0;
    const full = this.diskBytes >= this.bounds.maxBytes || this.heldBytes + room >= this.bounds.windowBytes;
    if (full !== this.full$.value) this.full$.next(full);
  }
}
