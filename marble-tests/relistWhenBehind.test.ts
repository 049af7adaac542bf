import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/sources/engine/engineCodecs.js';
import { relistWhenBehind } from '../src/sources/engine/relistWhenBehind.js';
import { event } from './lifecycleFixtures.js';
import { testScheduler } from './testScheduler.js';

/** A start of `id` that the engine stamped at `ms` (virtual time): read at a later frame, it is late. */
const sentAt = (ms: number, id = 'web'): EngineEvent => ({ ...event(id, 'start'), timeNano: ms * 1e6 });

describe('relistWhenBehind: a listing again once the engine’s late events are caught up', () => {
  it('passes events read on time, and lists nothing', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const values = { a: sentAt(200), b: sentAt(202) };
      const list = cold('--L|');
      const events = cold('200ms a-b|', values);
      const expected = '   200ms a-b|';
      expectObservable(events.pipe(relistWhenBehind(() => list, { quietMs: 4 }))).toBe(expected, values);
      expectSubscriptions(list.subscriptions).toBe([]);
    });
  });

  it('lists at the first event on time after a late one, and holds those read meanwhile until it is out', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const sent = { a: sentAt(200), b: sentAt(50), c: sentAt(205), d: sentAt(206) };
      const values = { ...sent, L: 'L' };
      const list = cold('     --L|');
      const events = cold('200ms a-b--cd--|', sent);
      const expected = '   200ms a-b--c-Ld|';
      expectObservable(events.pipe(relistWhenBehind(() => list, { quietMs: 4 }))).toBe(expected, values);
      expectSubscriptions(list.subscriptions).toBe('205ms ^--!');
    });
  });

  it('lists after a run of late events and a quiet spell, once a run, and tells how late its first was', () => {
    const told: number[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const sent = { o: sentAt(198), a: sentAt(0), b: sentAt(1), d: sentAt(100, 'db'), e: sentAt(226) };
      const values = { ...sent, L: 'L' };
      const list = cold('      (L|)');
      const events = cold('198ms o-a-b 20ms d--e 20ms |', sent);
      const expected = '   198ms o-a-b---------L 10ms d--(eL) 17ms |';
      const onBehind = (ms: number) => told.push(ms);
      expectObservable(events.pipe(relistWhenBehind(() => list, { quietMs: 10, onBehind }))).toBe(expected, values);
      expectSubscriptions(list.subscriptions).toBe(['212ms (^!)', '226ms (^!)']);
    });
    expect(told).toEqual([200, 123]);
  });

  it('measures lateness against the promptest event: an engine whose clock is 150 ms behind costs one listing', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // Its first events look late by our clock (a session starved from its start would too): listed once.
      const sent = { a: sentAt(50), b: sentAt(52), c: sentAt(-100), d: sentAt(126) };
      const values = { ...sent, L: 'L' };
      const list = cold('                        (L|)');
      const events = cold('200ms a-b 27ms c-d-----|', sent);
      const expected = '   200ms a-b 9ms L 17ms c-(dL)--|';
      expectObservable(events.pipe(relistWhenBehind(() => list, { quietMs: 10 }))).toBe(expected, values);
      expectSubscriptions(list.subscriptions).toBe(['212ms (^!)', '232ms (^!)']);
    });
  });

  it('lists after a session whose first events came late: no event on time came before to measure them by', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // Subscribed at 0; the first events, sent at 10 and 11, read 190 ms later (the reader starved), then one on time.
      const sent = { a: sentAt(10), b: sentAt(11), c: sentAt(210) };
      const values = { ...sent, L: 'L' };
      const list = cold('      (L|)');
      const events = cold('200ms ab--------c---|', sent);
      const expected = '   200ms ab--------(cL)|';
      expectObservable(events.pipe(relistWhenBehind(() => list, { quietMs: 20 }))).toBe(expected, values);
      // Before: no listing (the first event set the measure, and the rest were no later than it).
      expectSubscriptions(list.subscriptions).toBe('210ms (^!)');
    });
  });

  it('does not take events from before it was subscribed (a reconnect asks them again with since) as late', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const sent = { a: sentAt(-5000), b: sentAt(-4000), c: sentAt(210) };
      const list = cold('      (L|)');
      const events = cold('200ms ab--------c---|', sent);
      const expected = '   200ms ab--------c---|';
      expectObservable(events.pipe(relistWhenBehind(() => list, { quietMs: 20 }))).toBe(expected, sent);
      expectSubscriptions(list.subscriptions).toBe([]);
    });
  });

  it('forgets an event stamped ahead (a clock stepped back) after its window: no listing at every burst after', () => {
    const asked: number[] = [];
    const scheduler = testScheduler();
    scheduler.run(({ cold }) => {
      const keys = 'cdefghijklmnopqrstuv';
      const values: Record<string, EngineEvent> = { a: sentAt(200), b: sentAt(710) };
      // Then 20 bursts, each read the ms it was sent (on time), 100 ms apart.
      [...keys].forEach((k, i) => (values[k] = sentAt(300 + i * 100)));
      const marbles = `200ms a 9ms b 89ms ${[...keys].map((k) => `${k} 99ms`).join(' ')} |`;
      const list = () => (asked.push(scheduler.now()), cold('(L|)'));
      cold(marbles, values)
        .pipe(relistWhenBehind(list, { quietMs: 50, floorWindowMs: 500 }))
        .subscribe();
    });
    // Before: a listing after each of the 20 bursts (the floor stayed 500 ms below the on-time events).
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((at) => at > 1100)).toEqual([]);
  });

  it('lists no more once the events end, and passes a failed listing on', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const values = { o: sentAt(199), a: sentAt(0), b: sentAt(206) };
      const unasked = cold('--L|');
      const ended = cold('199ms oa|', values).pipe(relistWhenBehind(() => unasked, { quietMs: 4 }));
      expectObservable(ended).toBe('199ms oa|', values);
      expectSubscriptions(unasked.subscriptions).toBe([]);
      const failing = cold('  --#');
      const events = cold('199ms oa-----b', values);
      const expected = '   199ms oa-----b-#';
      expectObservable(events.pipe(relistWhenBehind(() => failing, { quietMs: 10 }))).toBe(expected, values);
      expectSubscriptions(failing.subscriptions).toBe('206ms ^-!');
    });
  });
});
