/**
 * An integer field value, written with the line protocol's `i`. The transform's counters are
 * these rather than bigints: a BigInt per counter, turned back into a number to print it, was
 * the largest cost left on the hot path (docs/benchmarks.md, section 1). The value is the
 * engine's JSON number, so it is exact up to 2^53 as it came.
 */
export class Int {
  constructor(readonly value: number) {}

  /** So that `Number(field)`, arithmetic and `JSON.stringify` see the number. */
  valueOf(): number {
    return this.value;
  }

  toJSON(): number {
    return this.value;
  }

  toString(): string {
    return String(this.value);
  }
}

/**
 * A field value: `number` is written as a float, `Int` or `bigint` as an integer (`i`), strings
 * quoted. Counters are integers, ratios floats, so a field's type never changes from one point to
 * the next.
 */
export type FieldValue = number | Int | bigint | string | boolean;

/** One InfluxDB point. */
export interface Point {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Nanoseconds since the Unix epoch, as decimal digits (beyond a double's precision). */
  readonly timestamp: string;
}

export type Fields = Record<string, FieldValue>;

/** An integer field from a JSON number (the engine's uint64 counters). */
export const int = (n: number): Int => new Int(Math.trunc(n));

/** True when a value is reported, i.e. neither missing nor null. */
export const has = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;
