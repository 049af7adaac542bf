import type { FieldValue, Point } from '../model/point.js';

// Escapes of the InfluxDB line protocol reference. A backslash is doubled everywhere, so that a
// trailing backslash (`a\`) cannot escape the separator after it; InfluxDB and VictoriaMetrics
// both read `\\` back as one backslash. Newline, carriage return and tab are written as `\n`,
// `\r`, `\t` (as @influxdata/influxdb-client does) so that a point always stays on one line.
const MEASUREMENT = /[\\, \n\r\t]/g;
const TAG = /[\\,= \n\r\t]/g;
const STRING_FIELD = /["\\]/g;
const NEEDS_MEASUREMENT = /[\\, \n\r\t]/;
const NEEDS_TAG = /[\\,= \n\r\t]/;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

const SEQUENCES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escapeChar = (c: string): string => SEQUENCES[c] ?? `\\${c}`;

// The common case (no special character) skips the replace and its allocation.
export const escapeMeasurement = (s: string): string =>
  NEEDS_MEASUREMENT.test(s) ? s.replace(MEASUREMENT, escapeChar) : s;
export const escapeTag = (s: string): string => (NEEDS_TAG.test(s) ? s.replace(TAG, escapeChar) : s);

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
      return `"${value.replace(STRING_FIELD, '\\$&')}"`;
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
 * left out (InfluxDB refuses them).
 *
 *   cpu,container_id=a27e…,container_name=web-1 usage_percent=99.8,user_percent=98.7 1795522782160866623
 */
export function toLineProtocol(point: Point): string | undefined {
  let fields = '';
  for (const key in point.fields) {
    const value = fieldValue(point.fields[key]!);
    if (value === undefined || key === '') continue;
    fields += `${fields === '' ? '' : ','}${escapeTag(key)}=${value}`;
  }
  if (fields === '' || point.measurement === '' || point.measurement.startsWith('#')) return undefined;
  return `${seriesKey(point.measurement, point.tags)} ${fields} ${point.timestamp}`;
}

// The escaped `measurement,tag=value,...` of a tag set, kept as long as the tags object lives:
// toPoints hands every record of a container the same tags objects, so each is escaped once.
const seriesKeys = new WeakMap<object, Map<string, string>>();

function seriesKey(measurement: string, tags: Readonly<Record<string, string>>): string {
  let byMeasurement = seriesKeys.get(tags);
  if (!byMeasurement) seriesKeys.set(tags, (byMeasurement = new Map()));
  let key = byMeasurement.get(measurement);
  if (key === undefined) {
    key = escapeMeasurement(measurement);
    for (const tag in tags) {
      const value = tags[tag]!;
      if (tag !== '' && value !== '') key += `,${escapeTag(tag)}=${escapeTag(value)}`;
    }
    byMeasurement.set(measurement, key);
  }
  return key;
}
