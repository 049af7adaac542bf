import { defer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { retryAfterMs, writeRetryVerdict } from '../src/deliver/writeFailure.js';
import { type RetryVerdict, retryBackoff } from '../src/rx/retryBackoff.js';
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
      const classify = (e: unknown): RetryVerdict =>
        (e as { statusCode?: number }).statusCode === 404 ? 'complete' : 'retry';
      expectObservable(stream.pipe(retryBackoff({ ...half, classify }))).toBe(expected);
      expectSubscriptions(stream.subscriptions).toBe(subs);
    });
  });

  it('passes on at once an error it is told to fail on', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const stream = cold('  --a--#', { a: 'a' }, status(400));
      expectObservable(stream.pipe(retryBackoff({ ...half, classify: writeRetryVerdict }))).toBe(
        '--a--#',
        { a: 'a' },
        status(400),
      );
      expectSubscriptions(stream.subscriptions).toBe('^----!');
    });
  });

  it('stops retrying when the consumer unsubscribes during a wait', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const stream = cold('  --#');
      const unsub = '        ---- 20ms !';
      expectObservable(stream.pipe(retryBackoff(half)), unsub).toBe('-');
      expectSubscriptions(stream.subscriptions).toBe(['^-!']);
    });
  });

  it('mirrors a source that never errors, and one that is empty', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const never = cold('   -');
      const empty = cold('   |');
      expectObservable(never.pipe(retryBackoff(half)), '^ 100ms !').toBe('-');
      expectObservable(empty.pipe(retryBackoff(half))).toBe('|');
      expectSubscriptions(never.subscriptions).toBe('^ 100ms !');
      expectSubscriptions(empty.subscriptions).toBe('(^!)');
    });
  });
});

const status = (statusCode: number, retryAfter?: string) => ({
  statusCode,
  headers: retryAfter ? { 'retry-after': retryAfter } : {},
});
// As delivery retries a write: transient failures only, at least what Retry-After asks.
const writes = { ...half, classify: writeRetryVerdict, minDelayMs: retryAfterMs };

describe('retryBackoff as delivery uses it: write failures and Retry-After', () => {
  it('backs off exponentially on 503 and gives up after maxRetries', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const write = cold('   -#', undefined, status(503));
      const subs = ['        ^!', '51ms ^!', '152ms ^!', '353ms ^!'];
      expectObservable(write.pipe(retryBackoff({ ...writes, maxRetries: 3 }))).toBe('354ms #', undefined, status(503));
      expectSubscriptions(write.subscriptions).toBe(subs);
    });
  });

  it('waits as long as Retry-After (seconds) asks when that is longer than the backoff', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const write = cold('   -#', undefined, status(429, '2'));
      expectObservable(write.pipe(retryBackoff({ ...writes, maxRetries: 1 }))).toBe(
        '2002ms #',
        undefined,
        status(429, '2'),
      );
      expectSubscriptions(write.subscriptions).toBe(['^!', '2001ms ^!']);
    });
  });

  it('waits as long as Retry-After (HTTP date) asks, counted from the scheduler’s now', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // the TestScheduler's clock starts at 0: the Unix epoch
      const at3s = new Date(3000).toUTCString();
      const write = cold('   -#', undefined, status(503, at3s));
      expectObservable(write.pipe(retryBackoff({ ...writes, maxRetries: 1 }))).toBe(
        '3001ms #',
        undefined,
        status(503, at3s),
      );
      expectSubscriptions(write.subscriptions).toBe(['^!', '3000ms ^!']);
    });
  });

  it('keeps its own backoff when Retry-After asks for less', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const write = cold('   -#', undefined, status(503, '0'));
      expectObservable(write.pipe(retryBackoff({ ...writes, maxRetries: 1 }))).toBe(
        '52ms #',
        undefined,
        status(503, '0'),
      );
    });
  });

  it('does not retry a 400, a 401 or a 413, and succeeds through a transient failure', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      for (const code of [400, 401, 413]) {
        expectObservable(cold('-#', undefined, status(code)).pipe(retryBackoff(writes))).toBe(
          '-#',
          undefined,
          status(code),
        );
      }
      let attempts = 0;
      const write = defer(() => (attempts++ === 0 ? cold('-#', undefined, status(502)) : cold('-w|')));
      expectObservable(write.pipe(retryBackoff(writes))).toBe('52ms w|');
    });
  });

  it('reads Retry-After in both forms', () => {
    expect(retryAfterMs(status(503, '120'), 0)).toBe(120_000);
    expect(
      retryAfterMs(status(503, 'Wed, 21 Oct 2015 07:28:00 GMT'), Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')),
    ).toBe(60_000);
    expect(retryAfterMs(status(503, 'soon'), 0)).toBeUndefined();
    expect(retryAfterMs(status(503), 0)).toBeUndefined();
  });
});
