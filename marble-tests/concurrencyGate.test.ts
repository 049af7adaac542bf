import { describe, expect, it } from 'vitest';
import { concurrencyGate } from '../src/rx/concurrencyGate.js';
import { testScheduler } from './testScheduler.js';

describe('concurrencyGate: a limit shared by independent Observables', () => {
  it('runs at most max tasks at once; the others wait, first come first served', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const gate = concurrencyGate(2);
      const a = cold('--a|');
      const b = cold('----b|');
      const c = cold('-c|');
      const d = cold('-d|');
      expectObservable(gate(a)).toBe('--a|');
      expectObservable(gate(b)).toBe('----b|');
      expectObservable(gate(c)).toBe('----c|');
      expectObservable(gate(d)).toBe('------d|');
      expectSubscriptions(c.subscriptions).toBe('---^-!');
      expectSubscriptions(d.subscriptions).toBe('-----^-!');
    });
  });

  it('lets a waiting task that is unsubscribed leave the queue without ever starting', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const gate = concurrencyGate(1);
      const a = cold('---a|');
      const b = cold('-b|');
      const c = cold('-c|');
      expectObservable(gate(a)).toBe('---a|');
      expectObservable(gate(b), '--!').toBe('--');
      expectObservable(gate(c)).toBe('-----c|');
      expectSubscriptions(b.subscriptions).toBe([]);
      expectSubscriptions(c.subscriptions).toBe('----^-!');
    });
  });

  it('frees the slot when a task errors, completes empty, or is unsubscribed while running', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const gate = concurrencyGate(1);
      const failing = cold('--#');
      const empty = cold('  |');
      const never = cold('  -');
      const last = cold('   -z|');
      expectObservable(gate(failing)).toBe('--#');
      expectObservable(gate(empty)).toBe('--|');
      expectObservable(gate(never), '^---!').toBe('----');
      expectObservable(gate(last)).toBe('-----z|');
      expectSubscriptions(never.subscriptions).toBe('--^-!');
      expectSubscriptions(last.subscriptions).toBe('----^-!');
    });
  });

  it('refuses a limit below 1, naming it', () => {
    expect(() => concurrencyGate(0)).toThrow('concurrency must be at least 1, got 0');
  });
});
