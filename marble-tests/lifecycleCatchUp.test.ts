import { type Observable, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type LifecycleRecord, type StatusRecord, isRemoval } from '../src/model/lifecycle.js';
import type { InspectedContainer } from '../src/sources/engine/engineCodecs.js';
import { lifecycleStatuses } from '../src/sources/lifecycleStatuses.js';
import { type Item, answers, event, inspects, items, listed, options, shown, v } from './lifecycleFixtures.js';
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

  it('ends a known container it does not show, once, at the next interval', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const inspect = inspects(cold, { web: ['r|'] });
      const source = hot<Item>('W-N-N-----', items);
      const expected = '        -----w----';
      const statuses = source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 5 })), shown);
      expectObservable(statuses, '^ 9ms !').toBe(expected, v);
    });
  });
});

/**
 * A catch-up listing is made while events are still on their way: a `--rm` container that
 * exits 0 and is destroyed while it is asked is absent from it, and its `die` and `destroy`
 * come right after (held behind it). Its removal must carry that clean exit, as without a
 * catch-up: alerting's `gone` rule fires on a removal whose last status is not a clean exit.
 */
describe('lifecycleStatuses: a catch-up listing and a clean exit still on its way', () => {
  const shownAll = map((record: LifecycleRecord) => {
    const s = isRemoval(record) ? record.removed : record.status;
    const text = [s.container.name, s.state, ...(s.exitCode === undefined ? [] : [s.exitCode])].join(':');
    return isRemoval(record) ? `X ${text}` : text;
  });
  const values = { ...v, z: 'web:exited:0', Z: 'X web:exited:0' };
  const held = { ...items, z: event('web', 'die', { exitCode: '0' }) };

  it('tells the removal with the exit its held die says (clean), not gone without an exit code', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const inspect = inspects(cold, { web: ['r|'] });
      const source = hot<Item>('W-(Nzx)-----', held);
      const expected = '        --(Zz)------';
      const records = source.pipe(lifecycleStatuses({ ...options(inspect, { intervalMs: 100 }), removals: true }));
      expectObservable(records.pipe(shownAll), '^ 10ms !').toBe(expected, values);
    });
  });

  it('a container absent from it whose destroy never comes is told gone at the next interval', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const inspect = inspects(cold, { web: ['r|'] });
      const source = hot<Item>('W-N-------', items);
      const expected = '        -----(wy)-';
      const records = source.pipe(lifecycleStatuses({ ...options(inspect, { intervalMs: 5 }), removals: true }));
      expectObservable(records.pipe(shownAll), '^ 9ms !').toBe(expected, { ...values, y: 'X web:exited' });
    });
  });
});

/**
 * A catch-up inspect's answer is read late (that is why it was made): stamped at that reading,
 * an exit it finds came after the container's `destroy` (review r3, finding 5). It is stamped at
 * the engine's own time of the exit, and again just after what was told since.
 */
describe('lifecycleStatuses: a change a catch-up listing finds, at the engine’s time of it', () => {
  it('an exit whose `die` was dropped: at its FinishedAt, and 1 ms after the last interval’s status', () => {
    const scheduler = testScheduler();
    const finished = Date.UTC(2026, 10, 27, 10, 0, 0); // the fixtures' FinishedAt
    const base = finished + 2000;
    scheduler.run(({ cold, hot, expectObservable }) => {
      const inspect = inspects(cold, { web: ['r|', 'e|'] });
      const clock = () => base + scheduler.now();
      const source = hot<Item>('W---X-', items);
      const expected = '        ---r(ef)';
      const at = map(({ status, at }: StatusRecord) => `${status.state}@${at.seconds * 1000 + at.nanos / 1e6 - base}`);
      const statuses = source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 3, clock })), at);
      expectObservable(statuses, '^ 5ms !').toBe(expected, { r: 'running@3', e: 'exited@4', f: 'exited@-2000' });
    });
  });
});

/**
 * Only a change the engine dates is stamped at its time: an unpause (its event dropped) leaves
 * StartedAt as it was, the start of a run that may be days old. Written there, the status lands
 * in that old run's history (past a database's retention, or out of bounds for Prometheus'
 * remote write: refused) instead of now.
 */
describe('lifecycleStatuses: a catch-up listing’s unpause, whose start is the run’s old one', () => {
  it('is written now, not at the run’s StartedAt', () => {
    const scheduler = testScheduler();
    const base = Date.UTC(2026, 10, 27, 10, 0, 0);
    const startedAt = '2026-11-20T10:00:00Z'; // a week before: the run the pause interrupted
    const run = { ...answers.r, State: { ...answers.r.State, StartedAt: startedAt } };
    const paused = { ...run, State: { ...run.State, Status: 'paused', Paused: true } };
    scheduler.run(({ cold, hot, expectObservable }) => {
      const byId: Record<string, string[]> = { web: ['a|', 'p|', 'a|'] };
      const inspect = (id: string) =>
        cold(byId[id]?.shift() ?? '#', { a: run, p: paused }) as Observable<InspectedContainer>;
      const clock = () => base + scheduler.now();
      const source = hot<Item>('W-P-W-', { ...items, P: [listed('web', 'paused')] });
      const expected = '        --p-r-';
      const at = map(({ status, at }: StatusRecord) => `${status.state}@${at.seconds * 1000 + at.nanos / 1e6 - base}`);
      const statuses = source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 100, clock })), at);
      expectObservable(statuses, '^ 5ms !').toBe(expected, { p: 'paused@2', r: 'running@4' });
    });
  });
});
