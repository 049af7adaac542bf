import { describe, it } from 'vitest';
import { pollEvery } from '../src/rx/pollEvery.js';
import { testScheduler } from './testScheduler.js';

const flags = { t: true, f: false };

describe('pollEvery: poll mode’s timing', () => {
  it('requests at once and every interval, and skips the ticks that come while paused', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const request = cold('--(a|)');
      const paused = hot('  f-------t-------f-------', flags);
      const expected = '    --a---a-----------a---a';
      expectObservable(pollEvery(request, 4, paused), '^ 23ms !').toBe(expected);
      expectSubscriptions(request.subscriptions).toBe(['^-!', '4ms ^-!', '16ms ^-!', '20ms ^-!']);
    });
  });

  it('skips a tick while the previous request is still under way: polls never pile up', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('-----(a|)');
      const expected = ' -----a-------a-------a';
      expectObservable(pollEvery(slow, 4), '^ 22ms !').toBe(expected);
      expectSubscriptions(slow.subscriptions).toBe(['^----!', '8ms ^----!', '16ms ^----!']);
    });
  });

  it('passes a request’s error on, and stops polling when unsubscribed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-#');
      expectObservable(pollEvery(failing, 4)).toBe('-#');
      const request = cold('(a|)');
      expectObservable(pollEvery(request, 4), '^ 5ms !').toBe('a---a-');
      expectSubscriptions(request.subscriptions).toBe(['(^!)', '4ms (^!)']);
    });
  });
});
