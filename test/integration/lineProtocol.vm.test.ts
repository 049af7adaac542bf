import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toLineProtocol } from '../../src/encode/toLineProtocol.js';
import type { Point } from '../../src/model/point.js';
import { arbitraryPoint } from '../support/arbitraryPoint.js';
import { eventually } from '../support/realEngine.js';
import { storedName, storedPoint } from '../support/storedPoint.js';
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
});
