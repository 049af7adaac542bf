import type { FieldValue, Point } from '../model/point.js';
import { type Rewrite, nameRewriter, reservedRenamer } from './names.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

// Names (README, "Metrics schema"): escaped as the InfluxDB reference says, a backslash that the
// two readers would read differently left out, a newline or carriage return written as `\n`, `\r`.
export const escapeMeasurement: Rewrite = nameRewriter(/[\\, \n\r]|^[\t\0]/, /[, ]/, true);
export const escapeTag: Rewrite = nameRewriter(/[\\,= \n\r]/, /[,= ]/, false);
// Keys a database reserves (names.ts, reservedRenamer), as written: renamed `tag_time`, `field_time`.
const RESERVED_TAG_KEYS: ReadonlySet<string> = new Set(['time', '_measurement', '_field', '__name__']);
const RESERVED_FIELD_KEYS: ReadonlySet<string> = new Set(['time', '_measurement', '_field']);
const escapeTagKey: Rewrite = reservedRenamer(RESERVED_TAG_KEYS, 'tag_', escapeTag);
// A field key loses its quotes first: VictoriaMetrics misreads a line with one in a field key,
// escaped or not, and InfluxDB stores `\"` as `"`, so no form is stored alike. Then it also loses
// leading tabs: InfluxDB skips them before the first field.
const rewriteFieldKey: Rewrite = nameRewriter(/[\\,= \n\r]|^[\t\0]/, /[,= ]/, true);
const escapeFieldKey: Rewrite = reservedRenamer(RESERVED_FIELD_KEYS, 'field_', (key) =>
  rewriteFieldKey(key.includes('"') ? key.replaceAll('"', '') : key),
);

// A string field: `"` and `\` escaped (InfluxDB reads both back), a newline or carriage return
// as `\n`, `\r`, read back as those two characters: a raw one would end the line for every
// reader but InfluxDB's, and for chunkLines.
const STRING_FIELD = /["\\\n\r]/g;
const NEEDS_STRING_FIELD = /["\\\n\r]/;
const escapeStringChar = (c: string): string => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`);
const stringField = (s: string): string =>
  `"${NEEDS_STRING_FIELD.test(s) ? s.replace(STRING_FIELD, escapeStringChar) : s}"`;

function fieldValue(value: FieldValue): string | undefined {
  switch (typeof value) {
    case 'object': // an Int, the transform's counters: first, as most fields are
      return intField(value.value);
    case 'number':
      // NaN and ±Infinity have no line-protocol form: the field is left out, never invented.
      // (Fields out of range are left out likewise, below.)
      return Number.isFinite(value) ? String(value) : undefined;
    case 'bigint': {
      const n = Number(value);
      return Number.isSafeInteger(n) ? `${n}i` : int64(value);
    }
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return stringField(value);
  }
}

/**
 * An `Int`'s number: a safe integer prints as a number (three times faster than a bigint); a
 * larger one as the int64 it is, if it is one; NaN and ±Infinity have no integer form.
 */
function intField(n: number): string | undefined {
  if (Number.isSafeInteger(n)) return `${n}i`;
  return Number.isFinite(n) ? int64(BigInt(Math.trunc(n))) : undefined;
}

/** An int64 field; out of range (2^64-1, the engine's "unlimited") it is left out. */
const int64 = (big: bigint): string | undefined => (big <= INT64_MAX && big >= INT64_MIN ? `${big}i` : undefined);

/**
 * One point as a line of InfluxDB line protocol (without the newline), or `undefined` when no
 * field is left to write, or when the measurement is empty or starts with `#` (such a line is a
 * comment to every reader, and no escape exists for it). Tags with an empty key or value are
 * left out (InfluxDB refuses them), and so is a tag or field whose key, as written, is one
 * already written (InfluxDB refuses a point with a key twice).
 *
 *   cpu,container_id=a27e…,container_name=web-1 usage_percent=99.8,user_percent=98.7 1795522782160866623
 */
export function toLineProtocol(point: Point): string | undefined {
  const fields = fieldSet(point.fields);
  if (fields === '') return undefined;
  const key = seriesKey(point.measurement, point.tags);
  return key === undefined ? undefined : `${key} ${fields} ${point.timestamp}`;
}

function fieldSet(values: Point['fields']): string {
  let fields = '';
  for (const key in values) {
    const name = escapeFieldKey(key);
    // A rewritten key may land on another's name: the careful path, which is rare.
    if (name !== key && (LOSSY_FIELD.test(key) || RESERVED_FIELD_KEYS.has(key))) return distinctFields(values);
    const value = fieldValue(values[key]!);
    if (value === undefined || name === '') continue;
    fields += `${fields === '' ? '' : ','}${name}=${value}`;
  }
  return fields;
}

function distinctFields(values: Point['fields']): string {
  const written: Array<[string, string]> = [];
  for (const key in values) {
    const value = fieldValue(values[key]!);
    if (value !== undefined) written.push([key, value]);
  }
  return distinctNames(written, escapeFieldKey, LOSSY_FIELD, RESERVED_FIELD_KEYS)
    .map(([name, value]) => `${name}=${value}`)
    .join(',');
}

// Keys a rewrite can map onto another key's name: with a backslash, newline or return, or a
// leading tab or NUL; a field key also with a quote.
const LOSSY = /[\\\n\r]|^[\t\0]/;
const LOSSY_FIELD = /[\\\n\r"]|^[\t\0]/;

/**
 * `[name, value]` pairs as written, one per name: keys that are written as they are come first
 * (so a label `host\` never displaces the `host` tag, nor a label `time` one `tag_time`), then
 * the others in order; a key whose name is taken, or empty, is left out.
 */
function distinctNames<T>(
  entries: ReadonlyArray<readonly [string, T]>,
  rewrite: Rewrite,
  lossy: RegExp,
  reserved: ReadonlySet<string>,
): Array<[string, T]> {
  const names = new Map<string, T>();
  const renamed = (key: string): boolean => lossy.test(key) || reserved.has(key);
  const ordered = [...entries.filter(([key]) => !renamed(key)), ...entries.filter(([key]) => renamed(key))];
  for (const [key, value] of ordered) {
    const name = rewrite(key);
    if (name !== '' && !names.has(name)) names.set(name, value);
  }
  return [...names];
}

// The escaped `measurement,tag=value,...` of a tag set, kept as long as the tags object lives:
// toPoints hands every record of a container the same tags objects, so each is escaped once.
// `null`: the measurement cannot be written.
const seriesKeys = new WeakMap<object, Map<string, string | null>>();

function seriesKey(measurement: string, tags: Readonly<Record<string, string>>): string | undefined {
  let byMeasurement = seriesKeys.get(tags);
  if (!byMeasurement) seriesKeys.set(tags, (byMeasurement = new Map()));
  let key = byMeasurement.get(measurement);
  if (key === undefined) byMeasurement.set(measurement, (key = newSeriesKey(measurement, tags)));
  return key ?? undefined;
}

function newSeriesKey(measurement: string, tags: Readonly<Record<string, string>>): string | null {
  const name = escapeMeasurement(measurement);
  if (name === '' || name.startsWith('#')) return null;
  const written: Array<[string, string]> = [];
  for (const tag in tags) {
    const value = escapeTag(tags[tag]!);
    if (value !== '') written.push([tag, value]);
  }
  let key = name;
  for (const [tag, value] of distinctNames(written, escapeTagKey, LOSSY, RESERVED_TAG_KEYS)) key += `,${tag}=${value}`;
  return key;
}
