import { defer } from 'rxjs';
import { describe, it } from 'vitest';
import { concurrencyGate } from '../src/rx/concurrencyGate.js';
import { gatedInspect } from '../src/sources/containerLifecycle.js';
import { testScheduler } from './testScheduler.js';

// With random() = 0.5 the waits are half the ceilings 200, 400, 800 and 1600 ms: 100, 200, 400, 800.
const half = { random: () => 0.5 };
const failure = Object.assign(new Error('HTTP 500'), { statusCode: 500 });

/** The lifecycle's inspects share a gate; one that keeps failing must not hold it while it waits (review r1, C). */
describe('gatedInspect: a slot per attempt, the waits outside the gate', () => {
  it('another container’s inspect runs while a failing one waits to try again', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const gate = concurrencyGate(1);
      const failing = cold('-#', undefined, failure);
      const answering = cold('  -b|');
      const expectedA = '       1505ms #'; // 5 tries, as alone
      const expectedB = '       --b|'; // at once after a's first try, not after its last
      expectObservable(
        gatedInspect(
          gate,
          defer(() => failing),
          half,
        ),
      ).toBe(expectedA, undefined, failure);
      expectObservable(gatedInspect(gate, answering, half)).toBe(expectedB);
      expectSubscriptions(failing.subscriptions).toBe(['^!', '101ms ^!', '302ms ^!', '703ms ^!', '1504ms ^!']);
      expectSubscriptions(answering.subscriptions).toBe('-^-!');
    });
  });
});
