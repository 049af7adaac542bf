import { type FieldValue, Int, type Point } from '../../src/model/point.js';

/**
 * What InfluxDB and VictoriaMetrics both store of a name (measurement, tag key or value, field
 * key), as the README ("Metrics schema") states it, written independently of the serializer: a
 * newline or carriage return becomes the two characters `\n` or `\r`; then each run of
 * backslashes becomes one backslash, or nothing where the name ends or `,` ` ` `=` `"` follow;
 * with `leading`, tabs and NULs at the start go.
 */
export function storedName(name: string, leading = false): string {
  const s = (leading ? name.replace(/^[\t\0]+/, '') : name).replaceAll('\n', '\\n').replaceAll('\r', '\\r');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      out += s[i];
      continue;
    }
    while (s[i + 1] === '\\') i++;
    const next = s[i + 1];
    if (next !== undefined && !',= "'.includes(next)) out += '\\';
  }
  return out;
}

/**
 * A key as stored, renamed where a database gives it a meaning of its own (README, "Metrics
 * schema"): tag keys `time`, `_measurement`, `_field`, `__name__` get `tag_` before them, field
 * keys `time`, `_measurement`, `_field` get `field_`.
 */
const RESERVED_TAGS = new Set(['time', '_measurement', '_field', '__name__']);
const RESERVED_FIELDS = new Set(['time', '_measurement', '_field']);
const storedTagKey = (key: string): string => {
  const name = storedName(key);
  return RESERVED_TAGS.has(name) ? `tag_${name}` : name;
};
/** A field key as stored: also without `"` (no form of it is stored alike by both databases). */
export const storedFieldKey = (key: string): string => {
  const name = storedName(key.replaceAll('"', ''), true);
  return RESERVED_FIELDS.has(name) ? `field_${name}` : name;
};

/** A string field's value as InfluxDB stores it: exact, but for a newline or return, as `\n` or `\r`. */
export const storedString = (s: string): string => s.replaceAll('\n', '\\n').replaceAll('\r', '\\r');

/**
 * One entry per stored name: keys stored as they are first, then the others in order; a key
 * whose stored name is empty or taken is left out (the README: a key is never written twice).
 */
function storedEntries<T>(
  entries: Array<[string, T]>,
  storedKey: (key: string) => string,
  lossy: RegExp,
): Array<[string, T]> {
  const exact = (k: string): boolean => !lossy.test(k) && storedKey(k) === k;
  const out = new Map<string, T>();
  for (const [key, value] of [...entries.filter(([k]) => exact(k)), ...entries.filter(([k]) => !exact(k))]) {
    const name = storedKey(key);
    if (name !== '' && !out.has(name)) out.set(name, value);
  }
  return [...out];
}

const INT64 = (n: bigint): boolean => n >= -(2n ** 63n) && n < 2n ** 63n;

/** A field's value as a reader gives it back (integers as bigints), or undefined when it is not written. */
function storedValue(v: FieldValue): FieldValue | undefined {
  if (v instanceof Int) return Number.isFinite(v.value) ? storedValue(BigInt(Math.trunc(v.value))) : undefined;
  if (typeof v === 'bigint') return INT64(v) ? v : undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  return typeof v === 'string' ? storedString(v) : v;
}

/** The point the databases store for `p`, or undefined when it is not written at all. */
export function storedPoint(p: Point): Point | undefined {
  const measurement = storedName(p.measurement, true);
  const fieldEntries = Object.entries(p.fields).flatMap(([k, v]): Array<[string, FieldValue]> => {
    const value = storedValue(v);
    return value === undefined ? [] : [[k, value]];
  });
  const fields = storedEntries(fieldEntries, storedFieldKey, /[\\\n\r"]|^[\t\0]/);
  if (measurement === '' || measurement.startsWith('#') || fields.length === 0) return undefined;
  const tagEntries = Object.entries(p.tags).filter(([, v]) => storedName(v) !== '');
  const tags = storedEntries(tagEntries, storedTagKey, /[\\\n\r]|^[\t\0]/).map(([k, v]): [string, string] => [
    k,
    storedName(v),
  ]);
  return { measurement, tags: Object.fromEntries(tags), fields: Object.fromEntries(fields), timestamp: p.timestamp };
}
