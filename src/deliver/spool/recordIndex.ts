import type { Chunk } from '../../model/chunk.js';
import { BLOCK_ROWS, BLOCK_SHIFT, RecordBlock } from './recordBlock.js';

/** Where an entry's points are: on disk, in memory only, or in memory standing in for a record still on disk. */
export const ON_DISK = 0;
/** Spooling it failed (a full disk): the chunk lives in memory only, lost on a crash. */
export const MEMORY_ONLY = 1;
/** What a partial rejection left of the record at (segment, offset), not spooled yet: acking it acks that record. */
export const STANDS_IN = 2;
export type Residence = typeof ON_DISK | typeof MEMORY_ONLY | typeof STANDS_IN;

/** One entry of the index, as read out of it. */
export interface IndexEntry {
  readonly segment: number;
  readonly offset: number;
  /** Bytes of its record on disk (0 for MEMORY_ONLY). */
  readonly length: number;
  readonly points: number;
  /** Line-protocol bytes. */
  readonly bytes: number;
  readonly residence: Residence;
  /** The chunk, while it is held in memory. */
  chunk: Chunk | undefined;
}

const MASK = BLOCK_ROWS - 1;

/** A mark `openSegments` sets on entries an ack names, removed by `compact`. */
const GONE = 3;

/**
 * The spool's queue of entries, oldest first: blocks of rows (`RecordBlock`), each column in the
 * narrowest integers that hold it, with the chunks held in memory beside them. A 1 GB spool of
 * tiny batches holds three million entries: as objects they took ~80 bytes each, as fixed rows
 * 32 (and twice that while the array doubled); as blocks 8 to 15 bytes, and growing copies nothing.
 */
export class RecordIndex {
  private blocks: RecordBlock[] = [];
  /** The oldest entry's slot in the first block. */
  private first = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(entry: IndexEntry): void {
    const at = this.first + this.count;
    if (at >= this.blocks.length * BLOCK_ROWS) this.blocks.push(new RecordBlock());
    this.write(at, entry);
    this.count++;
  }

  unshift(entry: IndexEntry): void {
    if (this.first === 0) {
      this.blocks.unshift(new RecordBlock());
      this.first = BLOCK_ROWS;
    }
    this.first--;
    this.write(this.first, entry);
    this.count++;
  }

  shift(): IndexEntry | undefined {
    if (this.count === 0) return undefined;
    const entry = this.at(0);
    this.blocks[0]!.hold(this.first, undefined);
    this.first++;
    this.count--;
    if (this.count === 0) {
      this.blocks = [];
      this.first = 0;
    } else if (this.first === BLOCK_ROWS) {
      this.blocks.shift();
      this.first = 0;
    }
    return entry;
  }

  /** The i-th entry from the oldest (a copy: set its chunk with `hold`). */
  at(i: number): IndexEntry {
    const at = this.first + i;
    return this.blocks[at >> BLOCK_SHIFT]!.entry(at & MASK);
  }

  /** Keeps (or, with undefined, lets go of) the i-th entry's chunk in memory. */
  hold(i: number, chunk: Chunk | undefined): void {
    const [block, slot] = this.place(this.first + i);
    block.hold(slot, chunk);
  }

  /**
   * Where the entry of the record at (segment, offset) is, or -1; for an index in the order of
   * the files (as `openSegments` builds it), by bisection.
   */
  find(segment: number, offset: number): number {
    let [lo, hi] = [0, this.count];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const [block, slot] = this.place(this.first + mid);
      const s = block.segmentAt(slot);
      if (s < segment || (s === segment && block.offsetAt(slot) < offset)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.count) return -1;
    const [block, slot] = this.place(this.first + lo);
    return block.segmentAt(slot) === segment && block.offsetAt(slot) === offset ? lo : -1;
  }

  /** Marks the i-th entry to be removed by `compact`: an ack named it. */
  discard(i: number): void {
    const [block, slot] = this.place(this.first + i);
    block.markResidence(slot, GONE);
  }

  /** Removes the entries `discard` marked, in place: no second index. */
  compact(): void {
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const [block, slot] = this.place(this.first + i);
      if (block.residenceAt(slot) === GONE) continue;
      if (kept !== i) this.write(this.first + kept, this.at(i));
      kept++;
    }
    this.count = kept;
    if (kept === 0) [this.blocks, this.first] = [[], 0];
    else this.blocks.length = Math.ceil((this.first + kept) / BLOCK_ROWS);
  }

  private place(at: number): [RecordBlock, number] {
    return [this.blocks[at >> BLOCK_SHIFT]!, at & MASK];
  }

  private write(at: number, e: IndexEntry): void {
    this.blocks[at >> BLOCK_SHIFT]!.write(at & MASK, e);
  }
}
