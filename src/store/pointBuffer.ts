import { BehaviorSubject, type Observable, distinctUntilChanged } from 'rxjs';

/** What to do when the buffer is full: drop the oldest points (default), or hold the sources. */
export type BufferPolicy = 'drop-oldest' | 'block';

/** Line-protocol lines on their way to the database, with their size in bytes (newline included). */
export interface Chunk {
  readonly lines: string[];
  bytes: number;
}

export const lineBytes = (line: string): number => Buffer.byteLength(line) + 1;

export function chunkOf(lines: string[]): Chunk {
  let bytes = 0;
  for (const line of lines) bytes += lineBytes(line);
  return { lines, bytes };
}

/**
 * The bounded buffer between the pipeline and the writer, sized in bytes of line protocol.
 * Policy `drop-oldest`: room is made by dropping the oldest points, counted exactly, one
 * `onOverflow` per episode (an episode ends when the buffer has drained below its limit).
 * Policy `block`: nothing is dropped; `pressure$` turns true while full, and the sources stop
 * reading until it turns false. A batch that failed goes back to the front, in order.
 */
export class PointBuffer {
  private readonly chunks: Chunk[] = [];
  private totalBytes = 0;
  private totalPoints = 0;
  private overflowing = false;
  private readonly full$ = new BehaviorSubject(false);
  /** Points dropped to make room, since the start. */
  dropped = 0;

  constructor(
    readonly maxBytes: number,
    readonly policy: BufferPolicy = 'drop-oldest',
    private readonly onOverflow: (dropped: number) => void = () => undefined,
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
    if (chunk.lines.length === 0) return 0;
    this.chunks.push(chunk);
    return this.added(chunk);
  }

  /** Puts a batch that failed back at the front, ahead of newer points. */
  unshift(chunk: Chunk): number {
    if (chunk.lines.length === 0) return 0;
    this.chunks.unshift(chunk);
    return this.added(chunk);
  }

  /** Takes the oldest chunk out, to be written. */
  shift(): Chunk | undefined {
    const chunk = this.chunks.shift();
    if (chunk) {
      this.totalBytes -= chunk.bytes;
      this.totalPoints -= chunk.lines.length;
      this.settle();
    }
    return chunk;
  }

  private added(chunk: Chunk): number {
    this.totalBytes += chunk.bytes;
    this.totalPoints += chunk.lines.length;
    const dropped = this.policy === 'drop-oldest' ? this.makeRoom() : 0;
    this.settle();
    return dropped;
  }

  private makeRoom(): number {
    let dropped = 0;
    while (this.totalBytes > this.maxBytes && this.chunks.length > 0) {
      const oldest = this.chunks[0]!;
      const excess = this.totalBytes - this.maxBytes;
      // Whole chunks go at once; of a chunk that covers the excess, only the oldest lines that
      // do, cut off with one splice (a shift per line is quadratic during a long outage).
      let count = oldest.lines.length;
      let bytes = oldest.bytes;
      if (oldest.bytes > excess) {
        for (count = 0, bytes = 0; bytes < excess; count++) bytes += lineBytes(oldest.lines[count]!);
      }
      if (count === oldest.lines.length) this.chunks.shift();
      else oldest.lines.splice(0, count);
      oldest.bytes -= bytes;
      this.totalBytes -= bytes;
      this.totalPoints -= count;
      dropped += count;
    }
    if (dropped > 0) {
      this.dropped += dropped;
      if (!this.overflowing) this.onOverflow(dropped);
      this.overflowing = true;
    }
    return dropped;
  }

  private settle(): void {
    const full = this.totalBytes >= this.maxBytes;
    if (!full) this.overflowing = false;
    if (full !== this.full$.value) this.full$.next(full);
  }
}
