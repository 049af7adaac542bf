import { BehaviorSubject, type Observable, distinctUntilChanged } from 'rxjs';
import type { Chunk } from '../../model/chunk.js';
import type { BufferPolicy } from '../pointBuffer.js';
import type { DeliveryBuffer } from '../deliveryBuffer.js';
import { SegmentLog } from './segmentLog.js';
import type { RecordAt } from './spoolRecord.js';

export interface SpoolOptions {
  /** SPOOL_DIR. */
  readonly dir: string;
  /** MAX_SPOOL_SIZE: bytes on disk of the chunks spooled; past it the oldest are dropped (`block`: sources wait). */
  readonly maxBytes: number;
  /** MAX_BUFFER_SIZE: line-protocol bytes of chunks also held in memory; the rest are read back from disk. */
  readonly windowBytes: number;
  /** SPOOL_SYNC_MS: the most a crash of the machine can lose (fdatasync at least this often; 0: at every append). */
  readonly syncMs: number;
  readonly policy?: BufferPolicy;
}

/** A spooled chunk: where it is on disk, and the chunk itself while it is inside the memory window. */
interface Entry {
  readonly at: RecordAt;
  readonly length: number;
  readonly points: number;
  readonly bytes: number;
  chunk: Chunk | undefined;
}

/** What the spool found at start-up: points to send first, and damaged records skipped. */
export interface SpoolReplay {
  readonly points: number;
  readonly corrupt: number;
}

/**
 * The disk spool (SPOOL_DIR): a delivery buffer whose every chunk is on disk before it counts as
 * buffered, and leaves the disk only when the database has acknowledged it (`done`) or room is
 * made for newer points (drop-oldest, counted). Memory holds a window of the oldest chunks, up to
 * `windowBytes` of line protocol; the others are read back from disk when their turn comes. What
 * a previous run left is sent first, oldest first. Delivery is at least once: a chunk written
 * just before a crash, whose ack did not reach the disk, is sent again.
 */
export class SpoolBuffer implements DeliveryBuffer {
  private readonly entries: Entry[] = [];
  private taken: { entry: Entry; chunk: Chunk } | undefined;
  private totalPoints = 0;
  private totalBytes = 0;
  private diskBytes = 0;
  private memoryBytes = 0;
  private readonly full$ = new BehaviorSubject(false);
  private readonly timer: NodeJS.Timeout | undefined;
  dropped = 0;
  /** Damaged records skipped, at start-up and when read back. */
  corrupt = 0;
  readonly replay: SpoolReplay;

  private readonly log: SegmentLog;

  /** Opens (or makes) the spool; throws when SPOOL_DIR cannot be made, read or written. */
  constructor(private readonly options: SpoolOptions) {
    const opened = SegmentLog.open(options.dir, segmentBytesFor(options.maxBytes));
    this.log = opened.log;
    this.corrupt = opened.corrupt;
    // A replayed chunk is a view of its segment's bytes: the window keeps a copy.
    for (const r of opened.records) this.add(entryOf(r.at, r.length, r.chunk), r.chunk, 'back', true);
    this.replay = { points: this.totalPoints, corrupt: this.corrupt };
    if (options.syncMs > 0) this.timer = setInterval(() => this.log.sync(), options.syncMs).unref();
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
    return this.entries.length === 0;
  }
  get pressure$(): Observable<boolean> {
    return this.full$.pipe(distinctUntilChanged());
  }

  push(chunk: Chunk): number {
    if (chunk.points === 0) return 0;
    this.append(chunk, 'back');
    return this.afterAdd();
  }

  unshift(chunk: Chunk): number {
    const taken = this.taken;
    this.taken = undefined;
    if (taken && taken.chunk === chunk) {
      this.add(taken.entry, chunk, 'front', false); // the same record goes back
    } else {
      // What was left of it (a partial rejection): the original goes, the rest is spooled anew.
      if (taken) this.log.ack(taken.entry.at);
      if (chunk.points === 0) return 0;
      this.append(chunk, 'front');
    }
    return this.afterAdd();
  }

  shift(): Chunk | undefined {
    for (;;) {
      const entry = this.entries.shift();
      if (!entry) return undefined;
      this.remove(entry);
      const chunk = entry.chunk ?? this.log.read(entry.at, entry.length);
      entry.chunk = undefined;
      this.settle();
      if (chunk) {
        this.taken = { entry, chunk };
        return chunk;
      }
      this.corrupt++; // damaged on disk since it was written: skipped, as at start-up
      this.log.ack(entry.at);
    }
  }

  done(): void {
    if (!this.taken) return;
    this.log.ack(this.taken.entry.at);
    this.taken = undefined;
  }

  /** Makes everything durable and closes the files; what is not acknowledged stays for the next start. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.log.close();
  }

  private append(chunk: Chunk, where: 'front' | 'back'): void {
    const { at, length } = this.log.append(chunk);
    if (this.options.syncMs === 0) this.log.sync();
    this.add(entryOf(at, length, chunk), chunk, where, false);
  }

  /** Counts an entry in; inside the memory window its chunk stays in memory too. */
  private add(entry: Entry, chunk: Chunk, where: 'front' | 'back', copy: boolean): void {
    if (this.memoryBytes + entry.bytes <= this.options.windowBytes) {
      entry.chunk = copy ? { ...chunk, body: Buffer.from(chunk.body) } : chunk;
      this.memoryBytes += entry.bytes;
    }
    if (where === 'front') this.entries.unshift(entry);
    else this.entries.push(entry);
    this.totalPoints += entry.points;
    this.totalBytes += entry.bytes;
    this.diskBytes += entry.length;
  }

  private remove(entry: Entry): void {
    this.totalPoints -= entry.points;
    this.totalBytes -= entry.bytes;
    this.diskBytes -= entry.length;
    if (entry.chunk) this.memoryBytes -= entry.bytes;
  }

  private afterAdd(): number {
    let dropped = 0;
    if ((this.options.policy ?? 'drop-oldest') === 'drop-oldest') {
      while (this.diskBytes > this.options.maxBytes && this.entries.length > 1) {
        const oldest = this.entries.shift()!;
        this.remove(oldest);
        this.log.ack(oldest.at);
        dropped += oldest.points;
      }
    }
    this.dropped += dropped;
    this.settle();
    return dropped;
  }

  private settle(): void {
    const full = this.diskBytes >= this.options.maxBytes;
    if (full !== this.full$.value) this.full$.next(full);
  }
}

const entryOf = (at: RecordAt, length: number, chunk: Chunk): Entry => ({
  at,
  length,
  points: chunk.points,
  bytes: chunk.bytes,
  chunk: undefined,
});

/** Segments of 1/16 of the spool's bound, between 1 and 64 MiB: old ones are deleted soon enough. */
const segmentBytesFor = (maxBytes: number): number =>
  Math.min(64 * 2 ** 20, Math.max(2 ** 20, Math.floor(maxBytes / 16)));
