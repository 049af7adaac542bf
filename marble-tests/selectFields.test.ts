import { map } from 'rxjs';
import { describe, it } from 'vitest';
import type { Point } from '../src/model/point.js';
import { selectFields } from '../src/transform/selectFields.js';
import { testScheduler } from './testScheduler.js';

const point = (measurement: string, ...fields: string[]): Point => ({
  measurement,
  tags: { container_name: 'web' },
  fields: Object.fromEntries(fields.map((f) => [f, 1])),
  timestamp: '1',
});
const points: Record<string, Point> = {
  c: point('cpu', 'usage_percent', 'limit_percent'),
  m: point('memory', 'usage_bytes', 'limit_bytes'),
  n: point('network', 'rx_bytes', 'rx_dropped', 'tx_dropped'),
};
// Points as `<measurement>{fields}`.
const shown = map((p: Point) => `${p.measurement}{${Object.keys(p.fields).join(',')}}`);
const v = {
  c: 'cpu{usage_percent,limit_percent}',
  C: 'cpu{usage_percent}',
  m: 'memory{usage_bytes,limit_bytes}',
  u: 'memory{usage_bytes}',
  n: 'network{rx_bytes,rx_dropped,tx_dropped}',
  N: 'network{rx_bytes}',
};

describe('selectFields: FIELDS, FIELDS_EXCLUDE, MEASUREMENTS', () => {
  it('FIELDS=memory.usage_bytes: only that field; points left with none are not written', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  -c--m--n--|', points);
      const subs = '        ^---------!';
      const expected = '    ----u-----|';
      expectObservable(source.pipe(selectFields({ fields: ['memory.usage_bytes'] }), shown)).toBe(expected, v);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('FIELDS_EXCLUDE=network.*_dropped,cpu.limit_*; MEASUREMENTS chooses whole measurements', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('  -c--m--n--|', points);
      const excluded = '    -C--m--N--|';
      const measured = '    ----m--n--|';
      const exclude = { fieldsExclude: ['network.*_dropped', 'cpu.limit_*'] };
      expectObservable(source.pipe(selectFields(exclude), shown)).toBe(excluded, v);
      expectObservable(source.pipe(selectFields({ measurements: ['memory', 'net*'] }), shown)).toBe(measured, v);
    });
  });

  it('with no selection, every point passes as it is', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-c-m-n-#', points).pipe(selectFields({}), shown)).toBe('-c-m-n-#', v);
    });
  });
});
