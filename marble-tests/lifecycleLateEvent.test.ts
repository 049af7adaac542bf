import { asyncScheduler, map } from 'rxjs';
import { describe, it } from 'vitest';
import type { StatusRecord } from '../src/model/lifecycle.js';
import type { Instant } from '../src/model/timestamp.js';
import type { EngineEvent } from '../src/sources/engine/engineCodecs.js';
import { lifecycleStatuses } from '../src/sources/lifecycleStatuses.js';
import { type Item, event, inspects, items, options } from './lifecycleFixtures.js';
import { testScheduler } from './testScheduler.js';

// Events stamped with the engine's time (`timeNano`), intervals with the scheduler's: a frame is a ms.
const sentAt = (ms: number, e: EngineEvent): EngineEvent => ({ ...e, timeNano: ms * 1e6 });
const late: Record<string, Item> = {
  ...items,
  d: sentAt(3, event('web', 'die', { exitCode: '137' })), // read at 6: after the tick at 5
  D: sentAt(7, event('web', 'die', { exitCode: '137' })), // read at 8: no tick between
  h: sentAt(2, event('web', 'health_status: healthy')), // read at 6
};
const ms = ({ seconds, nanos }: Instant): number => seconds * 1e3 + nanos / 1e6;
/** Statuses as `<state>@<stamp ms>[ finished <ms>][ <health>]`. */
const stamped = map(({ status, at }: StatusRecord) =>
  [
    `${status.state}@${ms(at)}`,
    ...(status.finishedAt ? [`finished ${ms(status.finishedAt)}`] : []),
    ...(status.health ? [status.health.status] : []),
  ].join(' '),
);
const clock = (): number => asyncScheduler.now();

describe('lifecycleStatuses: an event read after an interval stamped later than the event', () => {
  it('a die sent before a tick but read after it is told again after the tick: the series ends exited', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W----d-------|', late);
      const expected = '          -----r(eE)----|'; // the tick at 5 said running; the exit is the last word
      const inspect = inspects(cold, { web: ['r|', '#'] }); // docker rm -f: the die's inspect answers 404
      const out = source.pipe(lifecycleStatuses(options(inspect, { clock })), stamped);
      expectObservable(out).toBe(expected, { r: 'running@5', e: 'exited@6 finished 3', E: 'exited@3 finished 3' });
    });
  });

  it('an event read before the next tick keeps its own time', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W------D--|', late);
      const expected = '          -----r--e--|';
      const inspect = inspects(cold, { web: ['r|', '#'] });
      const out = source.pipe(lifecycleStatuses(options(inspect, { clock })), stamped);
      expectObservable(out).toBe(expected, { r: 'running@5', e: 'exited@7 finished 7' });
    });
  });

  it('an event that carries no state, read late, is told again after the tick too: its health is the last word', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot<Item>('  -W----h-----|', late);
      const expected = '          -----r(Hh)t-|'; // the next interval says it too
      const inspect = inspects(cold, { web: ['r|', 'r|'] });
      const out = source.pipe(lifecycleStatuses(options(inspect, { clock })), stamped);
      expectObservable(out).toBe(expected, {
        r: 'running@5',
        H: 'running@6 healthy',
        h: 'running@2 healthy',
        t: 'running@10 healthy',
      });
    });
  });
});
