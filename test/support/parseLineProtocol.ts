import type { FieldValue, Point } from '../../src/model/point.js';

/**
 * A line-protocol reader written from the InfluxDB reference, independent of the serializer, for
 * round-trip tests: measurement up to an unescaped comma or space; `key=value` tags up to an
 * unescaped space; fields (quoted strings may hold commas, spaces, `\"` and `\\`); timestamp.
 * Outside string fields a backslash escapes the next character only when it is special there
 * (`\\` reads as one backslash); before any other character it is a literal backslash.
 */
export function parseLineProtocol(line: string): Point {
  let at = 0;
  const readToken = (stops: string, specials: string): string => {
    let out = '';
    while (at < line.length && !stops.includes(line[at]!)) {
      const c = line[at]!;
      const next = line[at + 1];
      if (c === '\\' && next !== undefined && (specials.includes(next) || next === '\\')) {
        out += next;
        at += 2;
      } else {
        out += c;
        at++;
      }
    }
    return out;
  };
  const expect = (c: string): void => {
    if (line[at] !== c) throw new Error(`expected ${JSON.stringify(c)} at ${at} in ${JSON.stringify(line)}`);
    at++;
  };

  const measurement = readToken(', ', ', ');
  // entries, not assignment: a key may be `__proto__`
  const tagEntries: Array<[string, string]> = [];
  while (line[at] === ',') {
    at++;
    const key = readToken('=', ',= ');
    expect('=');
    tagEntries.push([key, readToken(', ', ',= ')]);
  }
  expect(' ');
  const fieldEntries: Array<[string, FieldValue]> = [];
  for (;;) {
    const key = readToken('=', ',= ');
    expect('=');
    fieldEntries.push([key, readFieldValue()]);
    if (line[at] !== ',') break;
    at++;
  }
  expect(' ');
  const timestamp = line.slice(at);
  if (!/^-?\d+$/.test(timestamp)) throw new Error(`bad timestamp ${JSON.stringify(timestamp)}`);
  return { measurement, tags: Object.fromEntries(tagEntries), fields: Object.fromEntries(fieldEntries), timestamp };

  function readFieldValue(): FieldValue {
    if (line[at] === '"') {
      at++;
      let out = '';
      while (line[at] !== '"') {
        if (at >= line.length) throw new Error('unterminated string field');
        if (line[at] === '\\' && (line[at + 1] === '"' || line[at + 1] === '\\')) at++;
        out += line[at++];
      }
      at++;
      return out;
    }
    let raw = '';
    while (at < line.length && line[at] !== ',' && line[at] !== ' ') raw += line[at++];
    if (/^-?\d+i$/.test(raw)) return BigInt(raw.slice(0, -1));
    if (/^(t|T|true|True|TRUE)$/.test(raw)) return true;
    if (/^(f|F|false|False|FALSE)$/.test(raw)) return false;
    const n = Number(raw);
    if (raw === '' || Number.isNaN(n)) throw new Error(`bad field value ${JSON.stringify(raw)}`);
    return n;
  }
}
