import { BehaviorSubject, type Observable, distinctUntilChanged } from 'rxjs';
import { type Chunk, dropOldestLines } from '../model/chunk.js';
import type { DeliveryEvent } from '../model/telemetry.js';
import { BufferEvents } from './bufferEvents.js';
import type { DeliveryBuffer } from './deliveryBuffer.js';

/** What to do when the buffer is full: drop the oldest points (default), or hold the sources. */
export type BufferPolicy = 'drop-oldest' | 'block';

/**
 * The bounded buffer between the pipeline and the writer, sized in bytes of line protocol (held
 * gzipped when the sink takes gzip: see `Chunk`).
 * Policy `drop-oldest`: room is made by dropping the oldest points, counted exactly.
 * Policy `block`: nothing is dropped; `pressure$` turns true while full, and the sources stop
 * reading until it turns false. A batch that failed goes back to the front, in order.
 */
export class PointBuffer implements DeliveryBuffer {
  private readonly chunks: Chunk[] = [];
  private totalBytes = 0;
  private totalPoints = 0;
  private readonly full$ = new BehaviorSubject(false);
  /** Points dropped to make room, since the start. */
  dropped = 0;
  private readonly events = new BufferEvents();

  constructor(
    readonly maxBytes: number,
    readonly policy: BufferPolicy = 'drop-oldest',
  ) {}

  get bytes(): number {
    return this.totalBytes;
  }
  get points(): number {
    return this.totalPoints;
  }
  get isEmpty(): boolean {
    return this.chunks.length === 0;
  }
  /** True while the buffer is full: the `block` policy's signal to pause the sources. */
  get pressure$(): Observable<boolean> {
    return this.full$.pipe(distinctUntilChanged());
  }

  /** Adds new points at the back. Returns how many points had to be dropped. */
  push(chunk: Chunk): number {
    if (chunk.points === 0) return 0;
    this.chunks.push(chunk);
    return this.added(chunk);
  }

  /** Puts a batch that failed back at the front, ahead of newer points. */
  unshift(chunk: Chunk): number {
    if (chunk.points === 0) return 0;
    this.chunks.unshift(chunk);
    return this.added(chunk);
  }

  /** Takes the oldest chunk out, to be written. */
  shift(): Chunk | undefined {
    const chunk = this.chunks.shift();
    if (chunk) {
      this.totalBytes -= chunk.bytes;
      this.totalPoints -= chunk.points;
      this.settle();
    }
    return chunk;
  }

  /** Nothing to do: a chunk taken is out of memory already. */
  done(): void {}

  takeEvents(): readonly DeliveryEvent[] {
    return this.events.take();
  }

  private added(chunk: Chunk): number {
    this.totalBytes += chunk.bytes;
    this.totalPoints += chunk.points;
    const dropped = this.policy === 'drop-oldest' ? this.makeRoom() : 0;
    this.settle();
    return dropped;
  }

  private makeRoom(): number {
    let dropped = 0;
    while (this.totalBytes > this.maxBytes && this.chunks.length > 0) {
      // Whole chunks go at once; of a chunk that covers the excess, only the oldest lines that do.
      const { count, bytes, rest } = dropOldestLines(this.chunks[0]!, this.totalBytes - this.maxBytes);
      if (rest) this.chunks[0] = rest;
      else this.chunks.shift();
      this.totalBytes -= bytes;
      this.totalPoints -= count;
      dropped += count;
    }
    this.dropped += dropped;
    if (dropped > 0) this.events.tell({ type: 'points-dropped', points: dropped, reason: 'buffer_full' });
    return dropped;
  }

  private settle(): void {
    const full = this.totalBytes >= this.maxBytes;
    if (full !== this.full$.value) this.full$.next(full);
  }
}
