import type { Chunk } from '../../model/chunk.js';
import type { IndexEntry, Residence } from './recordIndex.js';

/** Rows a block holds: small enough that a part-used block wastes little, large enough that its overhead is nothing. */
export const BLOCK_SHIFT = 12;
export const BLOCK_ROWS = 1 << BLOCK_SHIFT;

type Ints = Int8Array | Int16Array | Int32Array | Float64Array;
const WIDTHS = [Int8Array, Int16Array, Int32Array, Float64Array] as const;

/** Whether integers of `size` bytes hold `v` (a float64 holds every integer a record has). */
const holds = (size: number, v: number): boolean =>
  size === 8 || (v >= -(2 ** (size * 8 - 1)) && v < 2 ** (size * 8 - 1));

/**
 * One column of a block: integers in the narrowest typed array that holds every value written so
 * far, widened (copied) when one does not fit, and no array at all while every value is 0. A
 * spool of tiny records has small lengths and counts: a byte each instead of four.
 */
class Column {
  private values: Ints | undefined;

  get(slot: number): number {
    return this.values ? this.values[slot]! : 0;
  }

  set(slot: number, v: number): void {
    if (this.values === undefined && v === 0) return;
    if (this.values === undefined || !holds(this.values.BYTES_PER_ELEMENT, v)) this.widen(v);
    this.values![slot] = v;
  }

  private widen(v: number): void {
    const size = this.values?.BYTES_PER_ELEMENT ?? 0;
    const Width = WIDTHS.find((W) => W.BYTES_PER_ELEMENT > size && holds(W.BYTES_PER_ELEMENT, v))!;
    const wider = new Width(BLOCK_ROWS);
    if (this.values) wider.set(this.values);
    this.values = wider;
  }
}

/**
 * `BLOCK_ROWS` rows of the index, a column each, and the chunks held in memory beside them (an
 * array only once one is held). Segments are stored as the difference from the block's first:
 * a block's rows are in one or two segments, so that difference takes a byte or nothing.
 */
export class RecordBlock {
  private base: number | undefined;
  private readonly segment = new Column();
  private readonly offset = new Column();
  private readonly length = new Column();
  private readonly points = new Column();
  private readonly bytes = new Column();
  private readonly residence = new Column();
  private chunks: Array<Chunk | undefined> | undefined;

  entry(slot: number): IndexEntry {
    return {
      segment: (this.base ?? 0) + this.segment.get(slot),
      offset: this.offset.get(slot),
      length: this.length.get(slot),
      points: this.points.get(slot),
      bytes: this.bytes.get(slot),
      residence: this.residence.get(slot) as Residence,
      chunk: this.chunks?.[slot],
    };
  }

  /** The segment and offset alone: what a search compares. */
  segmentAt(slot: number): number {
    return (this.base ?? 0) + this.segment.get(slot);
  }
  offsetAt(slot: number): number {
    return this.offset.get(slot);
  }
  residenceAt(slot: number): number {
    return this.residence.get(slot);
  }

  write(slot: number, row: IndexEntry): void {
    this.base ??= row.segment;
    this.segment.set(slot, row.segment - this.base);
    this.offset.set(slot, row.offset);
    this.length.set(slot, row.length);
    this.points.set(slot, row.points);
    this.bytes.set(slot, row.bytes);
    this.residence.set(slot, row.residence);
    this.hold(slot, row.chunk);
  }

  markResidence(slot: number, residence: number): void {
    this.residence.set(slot, residence);
  }

  hold(slot: number, chunk: Chunk | undefined): void {
    if (chunk === undefined && this.chunks === undefined) return;
    this.chunks ??= new Array<Chunk | undefined>(BLOCK_ROWS);
    this.chunks[slot] = chunk;
  }
}
