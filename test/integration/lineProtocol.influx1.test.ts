import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLineProtocol } from '../../src/encode/toLineProtocol.js';
import type { Point } from '../../src/model/point.js';
import { arbitraryPoint } from '../support/arbitraryPoint.js';
import { type InfluxSeries, influxQuery, influxWrite } from '../support/influx1.js';
import { storedName, storedPoint } from '../support/storedPoint.js';

const DB = `dss_test_lp_${process.pid}`;
const now = `${Date.now()}000000`;

async function write(points: readonly Point[]): Promise<void> {
  const res = await influxWrite(DB, points.map((p) => toLineProtocol(p)!).join('\n'), 'n');
  expect(res.status, await res.text()).toBe(204);
}

/** Each series' tags without the empty ones (InfluxDB's GROUP BY * names every key of the measurement). */
const tagsOf = (s: InfluxSeries): Record<string, string> =>
  Object.fromEntries(Object.entries(s.tags ?? {}).filter(([, v]) => v !== ''));

const sample = <T>(arbitrary: fc.Arbitrary<T>, seed: number): T[] => fc.sample(arbitrary, { numRuns: 150, seed });

describe('line protocol into the real InfluxDB 1.6 (fast-check)', () => {
  beforeAll(() => influxQuery(`CREATE DATABASE ${DB}`));
  afterAll(() => influxQuery(`DROP DATABASE ${DB}`));

  it('stores arbitrary measurements, tag keys and values as the README says', async () => {
    const cases = sample(
      arbitraryPoint()
        // one float field per point, and a `case` tag: each case is one series
        .map((p): Point => {
          const tags = Object.fromEntries(Object.entries(p.tags).filter(([k]) => storedName(k) !== 'case'));
          return { ...p, tags, fields: { value: 1.5 }, timestamp: now };
        })
        .filter((p) => storedPoint(p) !== undefined),
      42,
    );
    await write(cases.map((p, i) => ({ ...p, tags: { ...p.tags, case: String(i) } })));
    const series = await influxQuery('SELECT value FROM /.*/ GROUP BY *', DB);
    expect(series).toHaveLength(cases.length);
    for (const s of series) {
      const { case: index, ...tags } = tagsOf(s);
      const expected = storedPoint(cases[Number(index)]!)!;
      expect([s.name, tags], `case ${index}`).toEqual([expected.measurement, expected.tags]);
    }
  });

  it('stores arbitrary field keys and string fields as the README says', async () => {
    // a measurement per case: a field's type is the measurement's
    // and keys it reserves or that hold a quote, for sure
    const keys: Array<Point['fields']> = [
      { time: 1.5 },
      { 'a"b': 1.5, '\\"': true },
      { _field: 'x', _measurement: 2n },
    ];
    const fixed = keys.map((fields): Point => ({ measurement: 'm', tags: {}, fields, timestamp: now }));
    const cases = [
      ...fixed,
      ...sample(
        arbitraryPoint()
          .map((p): Point => ({ ...p, measurement: 'm', tags: {}, timestamp: now }))
          .filter((p) => storedPoint(p) !== undefined),
        7,
      ),
    ].map((p, i) => ({ ...p, measurement: `fields_${i}` }));
    await write(cases);
    // One query per measurement: `SELECT * FROM /^fields_/` leaves some out (1.6, the union of columns).
    for (const [i, p] of cases.entries()) {
      const [s] = await influxQuery(`SELECT * FROM ${p.measurement}`, DB);
      expect(s, toLineProtocol(p)).toBeDefined();
      const expected = storedPoint(cases[i]!)!;
      const row = Object.fromEntries(s!.columns.map((c, j) => [c, s!.values[0]![j]]));
      const { time: _time, ...fields } = row;
      // JSON gives integers as numbers: compare them as such
      const asJson = Object.fromEntries(
        Object.entries(expected.fields).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
      );
      expect(fields, s!.name).toEqual(asJson);
    }
  });
});
