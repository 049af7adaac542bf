import { describe, it } from 'vitest';
import { retryBackoff } from '../src/rx/retryBackoff.js';
import { testScheduler } from './testScheduler.js';

// With random() = 0.5 and baseMs 100 the waits are 50, 100, 200, 400 ... ms, capped by maxMs/2.
const half = { baseMs: 100, maxMs: 1000, random: () => 0.5 };

describe('retryBackoff: per-stream retry timing', () => {
  it('waits an exponentially growing delay between attempts, then passes the error on', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const stream = cold('  --#');
      const subs = [
        '                     ^-!',
        '                     52ms ^-!',
        '                     154ms ^-!',
        '                     356ms ^-!',
      ];
      const expected = '     358ms #';
      expectObservable(stream.pipe(retryBackoff({ ...half, maxRetries: 3 }))).toBe(expected);
      expectSubscriptions(stream.subscriptions).toBe(subs);
    });
  });

  it('caps the delay at maxMs', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // ceilings 100, 200, 400, 400, 400 (maxMs 400), halved by random(): waits 50, 100, 200, 200, 200
      const stream = cold('  #');
      const subs = [
        '                     (^!)',
        '                     50ms (^!)',
        '                     150ms (^!)',
        '                     350ms (^!)',
        '                     550ms (^!)',
        '                     750ms (^!)',
      ];
      const expected = '     750ms #';
      expectObservable(stream.pipe(retryBackoff({ ...half, maxMs: 400, maxRetries: 5 }))).toBe(expected);
      expectSubscriptions(stream.subscriptions).toBe(subs);
    });
  });

  it('starts over from the shortest delay once a record got through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // each error follows a record, so every wait is the first one: 50 ms
      const stream = cold('  --a--#');
      const unsub = '       ^ 200ms !';
      const expected = '     --a 54ms a 54ms a 54ms a';
      expectObservable(stream.pipe(retryBackoff(half)), unsub).toBe(expected);
    });
  });

  it('spreads waits over [0, ceiling) with the injected random source (full jitter)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const draws = [0, 0.999, 0.25];
      const random = (): number => draws.shift() ?? 0;
      const stream = cold('  #');
      // waits: floor(0 * 100) = 0, floor(0.999 * 200) = 199, floor(0.25 * 400) = 100
      const expected = '     299ms #';
      expectObservable(stream.pipe(retryBackoff({ baseMs: 100, maxMs: 1000, random, maxRetries: 3 }))).toBe(expected);
    });
  });

  it('completes, without retrying, on an error it is told is final (a 404: container gone)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const stream = cold('  --a--#', { a: 'a' }, { statusCode: 404 });
      const subs = '         ^----!';
      const expected = '     --a--|';
      const isFinal = (e: unknown): boolean => (e as { statusCode?: number }).statusCode === 404;
      expectObservable(stream.pipe(retryBackoff({ ...half, isFinal }))).toBe(expected);
      expectSubscriptions(stream.subscriptions).toBe(subs);
    });
  });
});
