import type { FieldValue, Point } from '../../src/model/point.js';

/** Whose reading of line protocol: InfluxDB 1.x/2.x (models/points.go) or VictoriaMetrics (lib/protoparser/influx). */
export type Reader = 'influxdb' | 'victoriametrics';

// Keys InfluxDB refuses a point for: `time` (1.x, tag or field), `_measurement` and `_field` (2.x).
const INFLUX_RESERVED: ReadonlySet<string> = new Set(['time', '_measurement', '_field']);

/**
 * A line-protocol reader, independent of the serializer, for round-trip tests: what the
 * database stores of one line, modelled on its parser's source (and checked against the real
 * ones in test/integration/lineProtocol.*.test.ts). Throws where the database refuses the line.
 *
 * - InfluxDB: a character right after a backslash is never a separator; tag keys and values
 *   lose the backslash of `\,` `\ ` `\=` only (every other backslash is kept, `\\` too), a
 *   measurement and field keys also that of `\"`; an unescaped `=` in a tag value or a key twice
 *   is an error; a string field reads `\\` and `\"` as `\` and `"`. Leading tabs are skipped.
 *   The keys `time` (tag or field, refused by 1.x) and `_measurement`, `_field` (2.x) are errors.
 * - VictoriaMetrics: a separator is escaped by an odd run of backslashes; names lose the
 *   backslash of `\,` `\ ` `\=` `\\`. It keeps no string fields: they read as InfluxDB reads them.
 *   A `"` in a field key, escaped or not, is an error (it stores the line wrong, the next fields
 *   lost); a tag `__name__` is dropped (the metric's name is its own).
 */
export function readLine(line: string, reader: Reader): Point {
  const vm = reader === 'victoriametrics';
  let at = 0;
  // InfluxDB skips spaces, tabs and NULs where a line and its fields start.
  const skipWhitespace = (): void => {
    if (!vm) while (at < line.length && ' \t\0'.includes(line[at]!)) at++;
  };
  skipWhitespace();
  if (line[at] === '#') throw new Error(`${reader}: a comment: ${JSON.stringify(line)}`);
  // Whether the character at `i` is escaped, as this reader decides.
  const escaped = (i: number): boolean => {
    let run = 0;
    while (i - run - 1 >= 0 && line[i - run - 1] === '\\') run++;
    return vm ? run % 2 === 1 : run > 0;
  };
  const fail = (what: string): never => {
    throw new Error(`${reader}: ${what} at ${at} in ${JSON.stringify(line)}`);
  };
  // Raw text up to one of `stops` not escaped; `refuse`, unescaped, is an error.
  const scan = (stops: string, refuse = ''): string => {
    const start = at;
    while (at < line.length && !(stops.includes(line[at]!) && !escaped(at))) {
      if (refuse.includes(line[at]!) && !escaped(at)) fail(`unescaped ${JSON.stringify(line[at])}`);
      at++;
    }
    return line.slice(start, at);
  };
  const take = (c: string): void => void (line[at] === c ? at++ : fail(`expected ${JSON.stringify(c)}`));

  // InfluxDB's measurement, as SHOW MEASUREMENTS gives it, has been unescaped twice.
  const measurement = vm ? vmName(scan(', ')) : unescape(unescape(scan(', ')));
  const tags: Array<[string, string]> = [];
  while (line[at] === ',') {
    at++;
    const key = scan(vm ? '=' : '=, ');
    take('=');
    const value = scan(', ', vm ? '' : '=');
    if (!vm && value === '') fail('missing tag value');
    tags.push(vm ? [vmName(key), vmName(value)] : [unescapeTag(key), unescapeTag(value)]);
    if (!vm && INFLUX_RESERVED.has(tags.at(-1)![0])) fail(`reserved tag key ${tags.at(-1)![0]}`);
  }
  take(' ');
  skipWhitespace();
  const fields: Array<[string, FieldValue]> = [];
  for (;;) {
    const key = scan('=');
    if (vm && key.includes('"')) fail('a " in a field key');
    take('=');
    fields.push([vm ? vmName(key) : unescape(key), readFieldValue()]);
    if (!vm && INFLUX_RESERVED.has(fields.at(-1)![0])) fail(`reserved field key ${fields.at(-1)![0]}`);
    if (line[at] !== ',') break;
    at++;
  }
  take(' ');
  const timestamp = line.slice(at);
  if (!/^-?\d+$/.test(timestamp)) fail(`bad timestamp ${JSON.stringify(timestamp)}`);
  const keys = new Set(tags.map(([k]) => k));
  if (!vm && keys.size < tags.length) fail('duplicate tags');
  return {
    measurement,
    // entries, not assignment: a key may be `__proto__`; VictoriaMetrics skips empty tags
    tags: Object.fromEntries(vm ? tags.filter(([k, v]) => k !== '' && v !== '' && k !== '__name__') : tags),
    fields: Object.fromEntries(fields),
    timestamp,
  };

  function readFieldValue(): FieldValue {
    if (line[at] === '"') {
      at++;
      let out = '';
      while (line[at] !== '"') {
        if (at >= line.length) fail('unterminated string field');
        if (line[at] === '\\' && (line[at + 1] === '"' || line[at + 1] === '\\')) at++;
        out += line[at++];
      }
      at++;
      return out;
    }
    const raw = scan(', ');
    if (/^-?\d+i$/.test(raw)) return BigInt(raw.slice(0, -1));
    if (/^(t|T|true|True|TRUE)$/.test(raw)) return true;
    if (/^(f|F|false|False|FALSE)$/.test(raw)) return false;
    const n = Number(raw);
    if (raw === '' || Number.isNaN(n)) fail(`bad field value ${JSON.stringify(raw)}`);
    return n;
  }
}

/** A line as InfluxDB reads it (for `lines.map(parseLineProtocol)`). */
export const parseLineProtocol = (line: string): Point => readLine(line, 'influxdb');

/** InfluxDB's unescapeTag: Go's bytes.Replace of `\,`, then `\ `, then `\=`, by the unescaped character. */
const unescapeTag = (raw: string): string => raw.replaceAll('\\,', ',').replaceAll('\\ ', ' ').replaceAll('\\=', '=');

/** InfluxDB's escape.Unescape (measurements, field keys): a backslash right before `,` `"` ` ` `=` goes. */
const unescape = (raw: string): string => raw.replace(/\\([,"= ])/g, '$1');

/** VictoriaMetrics' unescapeTagValue: `\,` `\ ` `\=` `\\` lose their backslash; others stay. */
const vmName = (raw: string): string => raw.replace(/\\([,= \\])/g, '$1');
