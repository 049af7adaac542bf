import { type Observable, concat, map } from 'rxjs';
import { describe, it } from 'vitest';
import { type LifecycleRecord, isRemoval } from '../src/model/lifecycle.js';
import { newLifecycleBook } from '../src/sources/engine/lifecycleBook.js';
import { lifecycleStatuses } from '../src/sources/lifecycleStatuses.js';
import type { InspectedContainer } from '../src/sources/engine/engineCodecs.js';
import { type Item, answers, event, inspects, items, options, v } from './lifecycleFixtures.js';
import { testScheduler } from './testScheduler.js';

/** Statuses as the fixtures show them; a removal as `X` and the last status it carries. */
const shownAll = map((record: LifecycleRecord) => {
  const s = isRemoval(record) ? record.removed : record.status;
  const text = [s.container.name, s.state, ...(s.exitCode === undefined ? [] : [s.exitCode])].join(':');
  return isRemoval(record) ? `X ${text}` : text;
});
const values = { ...v, x: 'X web:exited:3', y: 'X web:running', z: 'X web:exited' };

describe('lifecycleStatuses with removals (for alerting): a watched container that goes away is told', () => {
  it('a destroy tells the removal with the last status (its exit), after its statuses; without removals, nothing', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W-d-x---------|', items);
      const expected = '          ---e-x---------|';
      const inspect = inspects(cold, { web: ['r|', 'e|'] });
      const removals = source.pipe(lifecycleStatuses({ ...options(inspect, { intervalMs: 50 }), removals: true }));
      expectObservable(removals.pipe(shownAll)).toBe(expected, values);
    });
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W-d-x---------|', items);
      const expected = '          ---e-----------|';
      const inspect = inspects(cold, { web: ['r|', 'e|'] });
      expectObservable(source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 50 })), shownAll)).toBe(
        expected,
        values,
      );
    });
  });

  it('a --rm container: its destroy comes before its die is inspected; the removal says it exited (from the event)', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W-d-x---------|', items);
      const expected = '          -----x--e------|'; // the die's status once inspected (404: from the event)
      const inspect = inspects(cold, { web: ['r|', '-----#'] });
      const removals = source.pipe(lifecycleStatuses({ ...options(inspect, { intervalMs: 50 }), removals: true }));
      expectObservable(removals.pipe(shownAll)).toBe(expected, values);
    });
  });

  it('a container missing from a re-listing (removed while the events were down) is told removed', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const book = newLifecycleBook();
      const session = (marbles: string, byId: Record<string, string[]>) =>
        cold<Item>(marbles, items).pipe(
          lifecycleStatuses({ ...options(inspects(cold, byId), { book, intervalMs: 50 }), removals: true }),
        );
      const sessions = concat(session('W-|', { web: ['r|'] }), session('N----|', {}));
      expectObservable(sessions.pipe(shownAll)).toBe('--(wz)-|', values);
    });
  });

  it('a container renamed out of the filters is told removed', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const renamed = { ...items, m: event('web', 'rename', { name: 'other', oldName: '/web' }) };
      const source = hot<Item>('  -W-m---------|', renamed);
      const expected = '          ---y---------|';
      const answered = [answers.r, { ...answers.r, Name: '/other' }];
      const inspect = (): Observable<InspectedContainer> => cold('a|', { a: answered.shift()! });
      const filters = { includeNames: ['web'] };
      const removals = source.pipe(
        lifecycleStatuses({ ...options(inspect, { filters, intervalMs: 50 }), removals: true }),
      );
      expectObservable(removals.pipe(shownAll)).toBe(expected, values);
    });
  });
});
