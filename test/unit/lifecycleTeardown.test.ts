import { Subject, of } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lifecycleStatuses } from '../../src/sources/lifecycleStatuses.js';
import { type Item, event, inspected, options } from '../../marble-tests/lifecycleFixtures.js';

/**
 * Each container's queue of inspects closes after a minute idle (a timer per container): those
 * timers must end with the output, whether it is unsubscribed or errs (a session's /events cut),
 * not run on for a minute each (review r1, finding G). Node's timers, faked: `getTimerCount`.
 */
describe('lifecycleStatuses leaves no timer behind', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const watchFour = (source: Subject<Item>) => {
    const inspect = (id: string) => of(inspected(id, 'running'));
    const sub = source.pipe(lifecycleStatuses(options(inspect, { intervalMs: 1000 }))).subscribe({ error: () => {} });
    source.next([]);
    for (const id of ['a', 'b', 'c', 'd']) source.next(event(id, 'start'));
    return sub;
  };

  it('once unsubscribed', () => {
    const source = new Subject<Item>();
    const sub = watchFour(source);
    expect(vi.getTimerCount()).toBeGreaterThanOrEqual(5); // the interval, and a minute per container
    sub.unsubscribe();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('once its source errs', () => {
    const source = new Subject<Item>();
    watchFour(source);
    source.error(new Error('the engine closed its event stream'));
    expect(vi.getTimerCount()).toBe(0);
  });
});
