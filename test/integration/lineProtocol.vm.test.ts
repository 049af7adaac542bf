import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toLineProtocol } from '../../src/encode/toLineProtocol.js';
import type { Point } from '../../src/model/point.js';
import { arbitraryPoint } from '../support/arbitraryPoint.js';
import { eventually } from '../support/realEngine.js';
import { storedFieldKey, storedName, storedPoint } from '../support/storedPoint.js';
import { exportSeries, requireVictoriaMetrics, writeLines } from '../support/victoriaMetrics.js';

beforeAll(requireVictoriaMetrics);

// Labels VictoriaMetrics gives meaning to, and ours that identify a case: not for arbitrary tags.
const reserved = (key: string): boolean => {
  const name = storedName(key);
  return name.startsWith('__') || ['db', 'run', 'case'].includes(name);
};

describe('line protocol into the real VictoriaMetrics (fast-check)', () => {
  it('stores arbitrary names as the README says, as read back through /api/v1/export', async () => {
    const run = randomUUID();
    const cases = fc.sample(
      arbitraryPoint()
        .map((p): Point => {
          const tags = Object.fromEntries(Object.entries(p.tags).filter(([k]) => !reserved(k)));
          // one numeric field per point, so each case is one series
          return { ...p, tags, fields: { value: 1.5 }, timestamp: String(Date.now()) + '000000' };
        })
        .filter((p) => storedPoint(p) !== undefined),
      { numRuns: 200, seed: 42 },
    );
    const body = cases.map((p, i) => toLineProtocol({ ...p, tags: { ...p.tags, run, case: String(i) } })!).join('\n');
    await writeLines(body);

    let series: Awaited<ReturnType<typeof exportSeries>> = [];
    expect(await eventually(async () => (series = await exportSeries(`{run="${run}"}`)).length >= cases.length)).toBe(
      true,
    );
    expect(series).toHaveLength(cases.length);
    for (const s of series) {
      const { __name__: name, run: _run, case: index, db: _db, ...tags } = s.metric;
      const expected = storedPoint(cases[Number(index)]!)!;
      expect(tags, `case ${index}`).toEqual(expected.tags);
      expect(name).toBe(`${expected.measurement}_value`);
      expect(s.values).toEqual([1.5]);
    }
  });

  it('stores arbitrary field keys as the README says: a `"` in one left out, `time` renamed', async () => {
    const run = randomUUID();
    // the metric of a field is `<measurement>_<field>`: a measurement per case, numbers only
    const fixed: Point['fields'][] = [{ 'a"b': 1, c: 2 }, { '"': 1, q: 2 }, { 'a\\"b': 1, 'x"\\': 2 }, { time: 1 }];
    const arbitrary = fc
      .sample(arbitraryPoint(), { numRuns: 150, seed: 11 })
      .map((p) => Object.fromEntries(Object.keys(p.fields).map((k, i) => [k, i + 0.5])));
    const cases = [...fixed, ...arbitrary]
      .map((fields, i): Point => ({ measurement: `f${i}`, tags: { run }, fields, timestamp: `${Date.now()}000000` }))
      .filter((p) => storedPoint(p) !== undefined);
    await writeLines(cases.map((p) => toLineProtocol(p)!).join('\n'));

    const wanted = cases.flatMap((p) =>
      Object.entries(storedPoint(p)!.fields).map(([k, v]) => [`${p.measurement}_${k}`, v] as const),
    );
    let series: Awaited<ReturnType<typeof exportSeries>> = [];
    expect(await eventually(async () => (series = await exportSeries(`{run="${run}"}`)).length >= wanted.length)).toBe(
      true,
    );
    const stored = Object.fromEntries(series.map((s) => [s.metric.__name__!, s.values]));
    expect(stored).toEqual(Object.fromEntries(wanted.map(([name, v]) => [name, [v]])));
    expect(storedFieldKey('a"b')).toBe('ab'); // what the README says, as the cases above hold it
  });
});
