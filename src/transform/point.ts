/**
 * A field value: `number` is written as a float, `bigint` as an integer (`i`), strings quoted.
 * Counters are integers, ratios floats, so a field's type never changes from one point to the next.
 */
export type FieldValue = number | bigint | string | boolean;

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
export const int = (n: number): bigint => BigInt(Math.trunc(n));

/** True when a value is reported, i.e. neither missing nor null. */
export const has = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;
