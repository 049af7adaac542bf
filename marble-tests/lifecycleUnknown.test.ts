import { describe, it } from 'vitest';
import type { InspectedContainer } from '../src/sources/engine/engineCodecs.js';
import { lifecycleStatuses } from '../src/sources/lifecycleStatuses.js';
import { type Item, inspects, items, options, shown, v } from './lifecycleFixtures.js';
import { testScheduler } from './testScheduler.js';

/**
 * Events for a container the lifecycle does not know yet (its listing's inspect under way, or
 * skipped by a filter): the ones that carry no state (update, health_status, rename) take it
 * from their inspect, never from a default (review r1, finding A); and a start whose container
 * is already gone is written once, not at every interval after (finding F).
 */
describe('lifecycleStatuses: containers it did not know yet', () => {
  it('an update while the listing’s inspect is under way: running, at the update and every interval', () => {
    testScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('  -W-u----------|', items);
      const subs = '              ^-------------!';
      const expected = '          -----(rr)-r---|'; // at 5, the update's status, then the interval's
      const inspect = inspects(cold, { web: ['---r|', 'r|'] });
      expectObservable(source.pipe(lifecycleStatuses(options(inspect)), shown)).toBe(expected, v);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('a health_status while the listing’s inspect is under way, likewise', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W-h----------|', items);
      const expected = '          -----(rr)-r---|';
      const inspect = inspects(cold, { web: ['---r|', 'r|'] });
      expectObservable(source.pipe(lifecycleStatuses(options(inspect)), shown)).toBe(expected, v);
    });
  });

  it('a running container renamed into the name filter: running from its inspect, every interval', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -O-n----------|', items); // listed as `old`: not watched
      const expected = '          ---r-r----r---|';
      const inspect = inspects(cold, { web: ['r|'] });
      const filters = { includeNames: ['web'] };
      expectObservable(source.pipe(lifecycleStatuses(options(inspect, { filters })), shown)).toBe(expected, v);
    });
  });

  it('an update whose inspect fails, of a container it did not know: no status (its state is not known)', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -u----------|', items);
      const expected = '          ------------|';
      const failing = () => cold<InspectedContainer>('-#', undefined, new Error('500'));
      expectObservable(source.pipe(lifecycleStatuses(options(failing)), shown)).toBe(expected, v);
    });
  });

  it('a start whose inspect answers 404 is written at the start, and not at every interval after', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -G------------|', items);
      const expected = '          -G------------|';
      const inspect = inspects(cold, {});
      expectObservable(source.pipe(lifecycleStatuses(options(inspect)), shown)).toBe(expected, v);
    });
  });
});
