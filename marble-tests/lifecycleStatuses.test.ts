import { concat, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { StatusRecord } from '../src/model/lifecycle.js';
import { newLifecycleBook } from '../src/sources/engine/lifecycleBook.js';
import { type LifecycleOptions, lifecycleStatuses } from '../src/sources/lifecycleStatuses.js';
import { type Item, inspects, items, options, shown, v } from './lifecycleFixtures.js';
import { testScheduler } from './testScheduler.js';

describe('lifecycleStatuses: the container measurement’s statuses', () => {
  it('writes an event’s status once inspected, and every interval the containers the state filter includes', () => {
    testScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('  -L--------d---------|', items);
      const subs = '              ^-------------------!';
      const expected = '          -----r----e---------|';
      const inspect = inspects(cold, { web: ['r|', 'e|'] });
      expectObservable(source.pipe(lifecycleStatuses(options(inspect)), shown)).toBe(expected, v);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('with INCLUDE_STATES=running,exited, stopped containers are written every interval too', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -L-------------|', items);
      const expected = '          -----(rE)-(rE)-|';
      const inspect = inspects(cold, { web: ['r|'], db: ['E|'] });
      const filters = { includeStates: ['running', 'exited'] };
      expectObservable(source.pipe(lifecycleStatuses(options(inspect, { filters })), shown)).toBe(expected, v);
    });
  });

  it('a container gone before it could be inspected still leaves its exit code; destroy forgets one', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W-g-x---------|', items);
      const expected = '          ---j-----------|';
      const inspect = inspects(cold, { web: ['r|'] });
      expectObservable(source.pipe(lifecycleStatuses(options(inspect)), shown)).toBe(expected, v);
    });
  });

  it('an event’s status says what the event says, whatever its inspect sees (a start inspected once exited)', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -s-d-x---------|', items);
      const expected = '          ---re----------|'; // d's inspect waits for s's
      const inspect = inspects(cold, { web: ['--e|', '#'] });
      expectObservable(source.pipe(lifecycleStatuses(options(inspect)), shown)).toBe(expected, v);
    });
  });

  it('a create is written from what its event carries; its start is inspected: one inspect per new container', () => {
    testScheduler().run(({ hot, cold, expectObservable, flush }) => {
      const asked: string[] = [];
      const source = hot<Item>('  -c-s--------|', items);
      const expected = '          -c-r-r----r-|';
      const inspect = inspects(cold, { web: ['r|'] });
      const counted: LifecycleOptions['inspect'] = (id) => (asked.push(id), inspect(id));
      expectObservable(source.pipe(lifecycleStatuses(options(counted)), shown)).toBe(expected, v);
      flush();
      expect(asked).toEqual(['web']);
    });
  });

  it('under a restart policy the die inspect says restarting: the die event’s exit code is written', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W--d--s--d----|', items);
      const expected = '          ----e--r--e----|';
      const inspect = inspects(cold, { web: ['r|', 'R|', 'r|', 'R|'] });
      expectObservable(source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 50 })), shown)).toBe(expected, v);
    });
  });

  it('the inspects of one container answer in order: a late listing answer cannot bring back a destroyed one', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W-d-x---------------|', items);
      const expected = '          --------e------------|'; // then nothing: no ghost
      const inspect = inspects(cold, { web: ['------r|', 'e|'] });
      expectObservable(source.pipe(lifecycleStatuses(options(inspect)), shown)).toBe(expected, v);
    });
  });

  it('an interval between an event and its inspect already says what the event says', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W-s-----------|', items);
      const expected = '          ----r---rr--r--|'; // the start's status (at 9) waits 6 frames for its inspect
      const inspect = inspects(cold, { web: ['e|', '------r|'] });
      expectObservable(source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 4 })), shown)).toBe(expected, v);
    });
  });

  it('name filters apply to event statuses as well', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W-g-d---------|', items);
      const expected = '          -----(ee)-e----|'; // at 5, d's status, then the interval's
      const inspect = inspects(cold, { web: ['r|', 'e|'] });
      const filters = { includeNames: ['web'], includeStates: ['running', 'exited'] };
      expectObservable(source.pipe(lifecycleStatuses(options(inspect, { filters })), shown)).toBe(expected, v);
    });
  });

  it('an oom event wins over the die inspect after it, which may say OOMKilled=false (cgroup v1)', () => {
    testScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot<Item>('  -W-o-k---|', items);
      const subs = '              ^--------!';
      const expected = '          ---O-K---|';
      const inspect = inspects(cold, { web: ['r|', 'r|', 'K|'] });
      const oom = map(({ status }: StatusRecord) => `${status.state}:${String(status.oomKilled)}`);
      expectObservable(source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 50 })), oom)).toBe(expected, {
        O: 'running:true',
        K: 'exited:true',
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('a die sent before its start (it lived ms): the start says running, the intervals after it what inspect sees', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W-d-s-------|', items);
      const expected = '          ---eer--e---e|';
      const inspect = inspects(cold, { web: ['r|', 'e|', 'e|'] });
      const filters = { includeStates: ['*'] };
      expectObservable(source.pipe(lifecycleStatuses(options(inspect, { filters, intervalMs: 4 })), shown)).toBe(
        expected,
        v,
      );
    });
  });

  it('with no oom event (not always sent), the die inspect’s OOMKilled=true is written', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W-k---|', items);
      const expected = '          ---K---|';
      const inspect = inspects(cold, { web: ['r|', 'M|'] });
      const oom = map(({ status }: StatusRecord) => `${status.state}:${String(status.oomKilled)}`);
      expectObservable(source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 50 })), oom)).toBe(expected, {
        K: 'exited:true',
      });
    });
  });

  it('a re-listing writes what changed while the events were down, and the last state of what disappeared', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const book = newLifecycleBook();
      const session = (marbles: string, byId: Record<string, string[]>) =>
        cold<Item>(marbles, items).pipe(lifecycleStatuses(options(inspects(cold, byId), { book, intervalMs: 3 })));
      const sessions = concat(
        session('W-----|', { web: ['r|'] }),
        session('X-|', { web: ['e|'] }),
        session('W-|', { web: ['r|'] }),
        session('N|', {}),
      );
      const expected = '---r--e-r-w|'; // r: a tick; e, r: changes; w: gone, ended on exited
      expectObservable(sessions.pipe(shown)).toBe(expected, v);
    });
  });

  it('a listed container whose inspect fails is known from the listing, and the failure told', () => {
    testScheduler().run(({ hot, cold, expectObservable, flush }) => {
      const told: string[] = [];
      const source = hot<Item>('  -W-------|', items);
      const expected = '          -----r---|';
      const inspect = inspects(cold, { web: ['#'.replace('#', '-#')] });
      const failing: LifecycleOptions['inspect'] = (id) =>
        id === 'web' ? cold('-#', {}, new Error('500')) : inspect(id);
      const onInspectFailed = (id: string) => void told.push(id);
      expectObservable(source.pipe(lifecycleStatuses(options(failing, { onInspectFailed })), shown)).toBe(expected, v);
      flush();
      expect(told).toEqual(['web']);
    });
  });
});
