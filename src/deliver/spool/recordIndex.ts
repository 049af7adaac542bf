import type { Chunk } from '../../model/chunk.js';

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

const COLUMNS = 6;

/**
 * The spool's queue of entries, oldest first: a ring of fixed-width rows in one Uint32Array
 * (24 bytes an entry), with the chunks held in memory beside it. A 1 GB spool of small batches
 * holds a million entries; as objects they took ~80 bytes each, as rows 24 plus a slot.
 */
export class RecordIndex {
  private rows = new Uint32Array(COLUMNS * 1024);
  private chunks: Array<Chunk | undefined> = new Array<Chunk | undefined>(1024);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  private get capacity(): number {
    return this.chunks.length;
  }

  push(entry: IndexEntry): void {
    this.grow();
    this.write((this.head + this.count) % this.capacity, entry);
    this.count++;
  }

  unshift(entry: IndexEntry): void {
    this.grow();
    this.head = (this.head + this.capacity - 1) % this.capacity;
    this.write(this.head, entry);
    this.count++;
  }

  shift(): IndexEntry | undefined {
    if (this.count === 0) return undefined;
    const entry = this.at(0);
    this.chunks[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return entry;
  }

  /** The i-th entry from the oldest (a copy: set its chunk with `hold`). */
  at(i: number): IndexEntry {
    const slot = (this.head + i) % this.capacity;
    const r = slot * COLUMNS;
    const rows = this.rows;
    return {
      segment: rows[r]!,
      offset: rows[r + 1]!,
      length: rows[r + 2]!,
      points: rows[r + 3]!,
      bytes: rows[r + 4]!,
      residence: rows[r + 5]! as Residence,
      chunk: this.chunks[slot],
    };
  }

  /** Keeps (or, with undefined, lets go of) the i-th entry's chunk in memory. */
  hold(i: number, chunk: Chunk | undefined): void {
    this.chunks[(this.head + i) % this.capacity] = chunk;
  }

  private write(slot: number, e: IndexEntry): void {
    this.rows.set([e.segment, e.offset, e.length, e.points, e.bytes, e.residence], slot * COLUMNS);
    this.chunks[slot] = e.chunk;
  }

  private grow(): void {
    if (this.count < this.capacity) return;
    const rows = new Uint32Array(this.rows.length * 2);
    const chunks = new Array<Chunk | undefined>(this.capacity * 2);
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.capacity;
      rows.set(this.rows.subarray(slot * COLUMNS, slot * COLUMNS + COLUMNS), i * COLUMNS);
      chunks[i] = this.chunks[slot];
    }
    this.rows = rows;
    this.chunks = chunks;
    this.head = 0;
  }
}
