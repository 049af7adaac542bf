import { defer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { retryWrite } from '../src/store/retryWrite.js';
import { retryAfterMs } from '../src/store/writeFailure.js';
import { testScheduler } from './testScheduler.js';

const status = (statusCode: number, retryAfter?: string) => ({ statusCode, headers: retryAfter ? { 'retry-after': retryAfter } : {} });
// random() = 0.5 with base 100 ms: the backoff waits are 50, 100, 200 ms.
const half = { baseMs: 100, maxMs: 1000, random: () => 0.5 };

describe('retryWrite: write retry delays', () => {
  it('backs off exponentially on 503 and gives up after maxRetries', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const write = cold('   -#', undefined, status(503));
      const subs = [
        '                    ^!',
        '                    51ms ^!',
        '                    152ms ^!',
        '                    353ms ^!',
      ];
      const expected = '     354ms #';
      expectObservable(write.pipe(retryWrite({ ...half, maxRetries: 3 }))).toBe(expected, undefined, status(503));
      expectSubscriptions(write.subscriptions).toBe(subs);
    });
  });

  it('waits as long as Retry-After (seconds) asks when that is longer than the backoff', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const write = cold('   -#', undefined, status(429, '2'));
      const subs = ['        ^!', '2001ms ^!'];
      const expected = '     2002ms #';
      expectObservable(write.pipe(retryWrite({ ...half, maxRetries: 1 }))).toBe(expected, undefined, status(429, '2'));
      expectSubscriptions(write.subscriptions).toBe(subs);
    });
  });

  it('waits as long as Retry-After (HTTP date) asks, counted from the scheduler’s now', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // the TestScheduler's clock starts at 0: the Unix epoch
      const at3s = new Date(3000).toUTCString();
      const write = cold('   -#', undefined, status(503, at3s));
      const subs = ['        ^!', '3000ms ^!'];
      expectObservable(write.pipe(retryWrite({ ...half, maxRetries: 1 }))).toBe('3001ms #', undefined, status(503, at3s));
      expectSubscriptions(write.subscriptions).toBe(subs);
    });
  });

  it('keeps its own backoff when Retry-After asks for less', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const write = cold('   -#', undefined, status(503, '0'));
      expectObservable(write.pipe(retryWrite({ ...half, maxRetries: 1 }))).toBe('52ms #', undefined, status(503, '0'));
    });
  });

  it('spreads the waits with the injected random source (full jitter)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const draws = [0.1, 0.9];
      const write = cold('   -#', undefined, status(500));
      // floor(0.1 × 100) = 10, floor(0.9 × 200) = 180
      const expected = '     193ms #';
      expectObservable(write.pipe(retryWrite({ baseMs: 100, maxMs: 1000, random: () => draws.shift()!, maxRetries: 2 }))).toBe(expected, undefined, status(500));
    });
  });

  it('does not retry a 400, a 401 or a 413, and succeeds through a transient failure', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      for (const code of [400, 401, 413]) {
        expectObservable(cold('-#', undefined, status(code)).pipe(retryWrite(half))).toBe('-#', undefined, status(code));
      }
      let attempts = 0;
      const write = defer(() => (attempts++ === 0 ? cold('-#', undefined, status(502)) : cold('-w|')));
      expectObservable(write.pipe(retryWrite(half))).toBe('52ms w|');
    });
  });

  it('reads Retry-After in both forms', () => {
    expect(retryAfterMs(status(503, '120'), 0)).toBe(120_000);
    expect(retryAfterMs(status(503, 'Wed, 21 Oct 2015 07:28:00 GMT'), Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000);
    expect(retryAfterMs(status(503, 'soon'), 0)).toBeUndefined();
    expect(retryAfterMs(status(503), 0)).toBeUndefined();
  });
});
