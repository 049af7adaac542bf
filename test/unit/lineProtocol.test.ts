import { readFileSync } from 'node:fs';
import { Point as ClientPoint } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { type Point, int } from '../../src/model/point.js';
import { toLineProtocol } from '../../src/encode/toLineProtocol.js';
import { HOSTILE_LABELS, readmeRow } from '../support/hostileLabels.js';
import { parseLineProtocol } from '../support/parseLineProtocol.js';

const point = (p: Partial<Point>): Point => ({
  measurement: 'cpu',
  tags: {},
  fields: { v: 1 },
  timestamp: '1700000000000000000',
  ...p,
});

describe('toLineProtocol', () => {
  it.each([
    ['measurement comma and space', point({ measurement: 'a,b c' }), 'a\\,b\\ c v=1 1700000000000000000'],
    [
      'tag key and value: comma, equals, space',
      point({ tags: { 'k,=k ': 'v,=v ' } }),
      'cpu,k\\,\\=k\\ =v\\,\\=v\\  v=1 1700000000000000000',
    ],
    ['field key: comma, equals, space', point({ fields: { 'f,= f': 1 } }), 'cpu f\\,\\=\\ f=1 1700000000000000000'],
    [
      'string field: double quote and backslash',
      point({ fields: { s: 'say "hi" \\o/' } }),
      'cpu s="say \\"hi\\" \\\\o/" 1700000000000000000',
    ],
    [
      'a trailing backslash is left out (it would escape the separator after it)',
      point({ tags: { path: 'C:\\data\\', z: '1' } }),
      'cpu,path=C:\\data,z=1 v=1 1700000000000000000',
    ],
    [
      'a backslash before , space = " is left out; a run of them is one backslash',
      point({ tags: { t: 'a\\,b \\"c\\"', unc: '\\\\srv\\share' } }),
      'cpu,t=a\\,b\\ "c",unc=\\srv\\share v=1 1700000000000000000',
    ],
    [
      'trailing backslash in measurement and field key',
      point({ measurement: 'm\\', fields: { 'f\\': 1 } }),
      'm f=1 1700000000000000000',
    ],
    [
      'integers with i, floats, booleans',
      point({ fields: { i: 42n, f: 0.5, b: true, n: -3n } }),
      'cpu i=42i,f=0.5,b=true,n=-3i 1700000000000000000',
    ],
    [
      'Int integers, safe and beyond 2^53',
      point({ fields: { i: int(42), n: int(-3.7), big: int(2 ** 60) } }),
      'cpu i=42i,n=-3i,big=1152921504606846976i 1700000000000000000',
    ],
    [
      'newline and carriage return as \\n and \\r, a tab as it is: one line',
      point({ tags: { t: 'a\nb\rc\td' }, fields: { s: 'x\ny\\' } }),
      'cpu,t=a\\nb\\rc\td s="x\\ny\\\\" 1700000000000000000',
    ],
    [
      'a key written as another’s is left out; the key stored as it is stays',
      point({ tags: { 'host\\': 'label', host: 'engine', e: '\\' }, fields: { 'f\\': 1, f: 2 } }),
      'cpu,host=engine f=2 1700000000000000000',
    ],
  ])('%s', (_, p, expected) => {
    expect(toLineProtocol(p)).toBe(expected);
  });

  it('leaves out NaN, Infinity and integers beyond int64, and a point left with no field', () => {
    expect(
      toLineProtocol(
        point({
          fields: {
            a: Number.NaN,
            b: Number.POSITIVE_INFINITY,
            c: 2n ** 64n - 1n,
            d: 2,
            e: int(2 ** 64 - 1),
            f: int(Number.NaN),
          },
        }),
      ),
    ).toBe('cpu d=2 1700000000000000000');
    expect(toLineProtocol(point({ fields: { a: Number.NaN } }))).toBeUndefined();
  });

  it('gives an Int field to Number(), arithmetic and JSON as its number', () => {
    expect(Number(int(1462))).toBe(1462);
    expect(+int(2) + 1).toBe(3);
    expect(JSON.stringify({ rx_bytes: int(1462) })).toBe('{"rx_bytes":1462}');
  });

  it('refuses a measurement that is empty or would make the line a comment', () => {
    expect(toLineProtocol(point({ measurement: '#cpu' }))).toBeUndefined();
    expect(toLineProtocol(point({ measurement: '' }))).toBeUndefined();
    expect(toLineProtocol(point({ measurement: 'c#' }))).toBe('c# v=1 1700000000000000000');
  });

  it('leaves out tags with an empty key or value, which InfluxDB refuses', () => {
    expect(toLineProtocol(point({ tags: { a: '', '': 'b', c: 'd' } }))).toBe('cpu,c=d v=1 1700000000000000000');
  });

  it('writes what @influxdata/influxdb-client’s Point writes wherever that one is correct', () => {
    const ours = toLineProtocol(
      point({
        measurement: 'net work',
        tags: { container_name: 'web 1', 'x=y': 'a,b' },
        fields: { rx_bytes: 10n, s: 'q"', usage_percent: 12.5 },
      }), // the client sorts keys
    );
    const client = new ClientPoint('net work')
      .tag('container_name', 'web 1')
      .tag('x=y', 'a,b')
      .intField('rx_bytes', 10)
      .floatField('usage_percent', 12.5)
      .stringField('s', 'q"')
      .timestamp('1700000000000000000')
      .toLineProtocol();
    expect(ours).toBe(client);
  });

  it('is correct where the client is not: a trailing backslash, a newline in a string field', () => {
    const p = point({ tags: { dir: 'C:\\', z: '1' }, fields: { v: 1, s: 'two\nlines' } });
    const client = new ClientPoint('cpu')
      .tag('dir', 'C:\\')
      .tag('z', '1')
      .floatField('v', 1)
      .stringField('s', 'two\nlines')
      .timestamp(p.timestamp)
      .toLineProtocol()!;
    // the client's: InfluxDB refuses the point, and the newline ends the line for every other reader
    expect(() => parseLineProtocol(client.split('\n')[0]!)).toThrow(/unescaped "="/);
    expect(client).toContain('\n');
    expect(parseLineProtocol(toLineProtocol(p)!)).toMatchObject({
      tags: { dir: 'C:', z: '1' },
      fields: { s: 'two\\nlines' },
    });
  });

  it('README: the table of label values and what is stored is the one the real-database test reads back', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const label of HOSTILE_LABELS) expect(readme).toContain(readmeRow(label));
  });
});
