import { defer } from 'rxjs';
import { describe, it } from 'vitest';
import { InspectUndecodable, retryInspect } from '../src/sources/engine/inspect.js';
import { testScheduler } from './testScheduler.js';

// With random() = 0.5 the waits are half the ceilings 200, 400, 800 and 1600 ms: 100, 200, 400, 800.
const half = { random: () => 0.5 };
const status = (statusCode: number): Error => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });
const answer = { i: { Id: 'abc', State: { Running: true, Pid: 42 } } };

describe('retryInspect: an inspect tried again with backoff', () => {
  it('tries again after a 500, after a backoff each time, until the engine answers', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-#', undefined, status(500));
      const answering = cold('-(i|)', answer);
      let tries = 0;
      const inspect = defer(() => (++tries <= 2 ? failing : answering));
      const expected = '      303ms (i|)';
      expectObservable(inspect.pipe(retryInspect(half)), '^ 1s !').toBe(expected, answer);
      expectSubscriptions(failing.subscriptions).toBe(['^!', '101ms ^!']);
      expectSubscriptions(answering.subscriptions).toBe('302ms ^!');
    });
  });

  it('passes the error on after 4 retries (5 tries in all, about 1.5 s here)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-#', undefined, status(500));
      const expected = '      1505ms #';
      expectObservable(failing.pipe(retryInspect(half))).toBe(expected, undefined, status(500));
      expectSubscriptions(failing.subscriptions).toBe(['^!', '101ms ^!', '302ms ^!', '703ms ^!', '1504ms ^!']);
    });
  });

  it('passes a 404 on at once: the container is gone, no answer will change that', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const gone = cold('   -#', undefined, status(404));
      const expected = '    -#';
      expectObservable(gone.pipe(retryInspect(half))).toBe(expected, undefined, status(404));
      expectSubscriptions(gone.subscriptions).toBe('^!');
    });
  });

  it('passes an undecodable answer on at once: the engine would answer the same again', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const bad = new InspectUndecodable('inspect of abc: State.Pid is not a number');
      const undecodable = cold('-#', undefined, bad);
      const expected = '        -#';
      expectObservable(undecodable.pipe(retryInspect(half))).toBe(expected, undefined, bad);
      expectSubscriptions(undecodable.subscriptions).toBe('^!');
    });
  });
});
