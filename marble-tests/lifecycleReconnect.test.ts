import { EMPTY, catchError, concat, map } from 'rxjs';
import { describe, it } from 'vitest';
import type { StatusRecord } from '../src/model/lifecycle.js';
import { newLifecycleBook } from '../src/sources/engine/lifecycleBook.js';
import { lifecycleStatuses } from '../src/sources/lifecycleStatuses.js';
import { type Item, event, inspects, items, options } from './lifecycleFixtures.js';
import { testScheduler } from './testScheduler.js';

/** A die of `web` at 2 ms (the engine's time), as sent at once and again after a reconnect. */
const died = { ...event('web', 'die', { exitCode: '3' }), timeNano: 2_000_000 };
const replay: Record<string, Item> = { ...items, D: died, y: { ...event('web', 'destroy'), timeNano: 3_000_000 } };
/** Statuses as `<state>[:<exit code>]@<ms>`. */
const timed = map(
  ({ status, at }: StatusRecord) =>
    `${status.state}${status.exitCode === undefined ? '' : `:${status.exitCode}`}@${at.seconds * 1000 + at.nanos / 1e6}`,
);

/**
 * An engine's sessions end (its /events cut) and start again with a re-listing and the events
 * of the gap (`since=`): an event's status must not depend on its session outliving its inspect,
 * and the events sent again are written once (review r1, finding B).
 */
describe('lifecycleStatuses across reconnects', () => {
  it('a die whose inspect is under way when the session ends is written, at its time, in the next', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const book = newLifecycleBook();
      const web = ['r|', '-----e|', 'e|', 'e|']; // the die's inspect outlives session 1; asked again in 2
      const inspect = inspects(cold, { web });
      const clock = () => scheduler.now();
      // A session ends as the /events stream is cut: with an error, its inspects unsubscribed.
      const session = (marbles: string) =>
        cold<Item>(marbles, replay).pipe(
          lifecycleStatuses(options(inspect, { book, clock, intervalMs: 50 })),
          catchError(() => EMPTY),
        );
      const sessions = concat(session('W-D#'), session('X-|'));
      const expected = '   ---ae|'; // a: the die, at its time; e: the re-listing's change
      expectObservable(sessions.pipe(timed)).toBe(expected, { a: 'exited:3@2', e: 'exited:3@4' });
    });
  });

  it('the events of the gap, sent after the re-listing, are written once; those from before a tombstone not kept', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const book = newLifecycleBook();
      const inspect = inspects(cold, { web: ['r|'] });
      const filters = { includeStates: ['*'] };
      const clock = () => scheduler.now();
      const session = (marbles: string) =>
        cold<Item>(marbles, replay).pipe(lifecycleStatuses(options(inspect, { book, filters, clock, intervalMs: 4 })));
      // Session 1 knows web running; it dies and goes in the gap; session 2 lists none, then gets
      // the die (and the destroy) of the gap; session 3 gets them again.
      const sessions = concat(session('W--|'), session('N-Dy---|'), session('Dy--|'));
      const expected = '   ---w-a--------|'; // w: gone at the re-listing (3 ms); a: the die, at 2 ms
      expectObservable(sessions.pipe(timed)).toBe(expected, { w: 'exited@3', a: 'exited:3@2' });
    });
  });
});
