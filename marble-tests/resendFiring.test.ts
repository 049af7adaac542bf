import { describe, it } from 'vitest';
import { resendFiring } from '../src/deliver/alert/resendFiring.js';
import { firing, resolved } from '../test/support/alertNotices.js';
import { testScheduler } from './testScheduler.js';

const a = firing('a');
const c = firing('c');
const r = resolved(a);

describe('resendFiring: firing alerts posted again for Alertmanager', () => {
  it('re-sends every alert still firing each interval; a resolved one stops', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const notices = hot('a-c 12ms r 19ms |', { a, c, r });
      const subs = '       ^ 34ms !';
      const expected = '   a-c 7ms (ac) 1ms r 4ms c 9ms c 4ms |';
      expectObservable(notices.pipe(resendFiring(10))).toBe(expected, { a, c, r });
      expectSubscriptions(notices.subscriptions).toBe(subs);
    });
  });

  it('re-sends nothing while nothing fires, and ends with its notices', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const notices = hot('a 4ms r 40ms |', { a, r });
      const expected = '   a 4ms r 40ms |';
      expectObservable(notices.pipe(resendFiring(10))).toBe(expected, { a, r });
    });
  });

  it('re-sends the alerts a saved state has firing, from the start, until they resolve', () => {
    const f = firing('f');
    testScheduler().run(({ hot, expectObservable }) => {
      const notices = hot(' -a 14ms s 14ms |', { a, s: resolved(f) });
      const expected = '    fa 8ms (fa) 2ms s 3ms a 9ms a |';
      expectObservable(notices.pipe(resendFiring(10, undefined, [f, resolved(c)]))).toBe(expected, {
        a,
        f,
        s: resolved(f),
      });
    });
  });
});
