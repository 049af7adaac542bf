import { describe, expect, it } from 'vitest';
import { lifecycleStatuses } from '../src/sources/lifecycleStatuses.js';
import { type Item, inspects, items, options, shown, v } from './lifecycleFixtures.js';
import { testScheduler } from './testScheduler.js';

/**
 * A session's later listings (`relistWhenBehind`: its events came late) inspect only the
 * containers they show in another state than the one known, or not known: on a host at load
 * they may come every few seconds, and every inspect is the engine's work.
 */
describe('lifecycleStatuses: a listing again within a session', () => {
  it('inspects only what it shows changed, and writes that change', () => {
    const asked: string[] = [];
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const answer = inspects(cold, { web: ['r|', 'e|'] });
      const inspect = (id: string) => (asked.push(id), answer(id));
      const source = hot<Item>('W-W-X-', items);
      const expected = '        ----e-';
      const statuses = source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 100 })), shown);
      expectObservable(statuses, '^ 5ms !').toBe(expected, v);
    });
    expect(asked).toEqual(['web', 'web']);
  });

  it('ends a known container it does not show, once', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const inspect = inspects(cold, { web: ['r|'] });
      const source = hot<Item>('W-N-N-', items);
      const expected = '        --w---';
      const statuses = source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 100 })), shown);
      expectObservable(statuses, '^ 5ms !').toBe(expected, v);
    });
  });
});
