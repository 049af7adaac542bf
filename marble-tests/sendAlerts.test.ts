import { type Observable, map } from 'rxjs';
import type { ColdObservable } from 'rxjs/internal/testing/ColdObservable';
import { describe, expect, it } from 'vitest';
import type { AlertReceiver } from '../src/deliver/alert/alertReceiver.js';
import { AlertQueue } from '../src/deliver/alert/alertQueue.js';
import { sendAlerts } from '../src/deliver/alert/sendAlerts.js';
import type { AlertNotice } from '../src/model/alert.js';
import type { AlertDeliveryEvent } from '../src/model/alertDelivery.js';
import { firing, resolved } from '../test/support/alertNotices.js';
import { testScheduler } from './testScheduler.js';

// With random() = 0.5 and baseMs 10 the backoff waits are 5, 10, 20 ms.
const retry = { baseMs: 10, maxMs: 100, random: () => 0.5 };
const status = (statusCode: number, headers: Record<string, string> = {}) => ({
  statusCode,
  headers,
  message: `HTTP ${statusCode}`,
});
const A = firing('web-1');
const B = firing('web-2');
const C = firing('web-3');
const D = firing('web-4');

/** Events as marble values: S2 = 2 notices sent, R1 = a retry of 1, Dq1 / Dr1 = dropped (queue_full, rejected). */
const codes = (events$: Observable<AlertDeliveryEvent>): Observable<string> =>
  events$.pipe(
    map((e) =>
      e.type === 'alerts-sent'
        ? `S${e.notices}`
        : e.type === 'alerts-retried'
          ? `R${e.notices}`
          : `D${e.reason[0]}${e.notices}`,
    ),
  );

/** A receiver whose POSTs are the scripted cold Observables, in order; it keeps what each carried. */
function scripted(posts: ColdObservable<unknown>[], fallback: () => Observable<unknown>) {
  const sent: AlertNotice[][] = [];
  const receiver: AlertReceiver = {
    name: 'webhook',
    description: 'http://127.0.0.1:9 (test)',
    send: (notices) => {
      sent.push([...notices]);
      return (posts.shift() ?? fallback()) as Observable<void>;
    },
    close: () => undefined,
  };
  return { receiver, sent };
}

describe('sendAlerts: alert delivery on virtual time', () => {
  it('gathers notices that arrive within the window into one POST, one POST at a time', () => {
    const sent = testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const notices = hot('-a-b-------c-------|', { a: A, b: B, c: C });
      const p1 = cold('          ---(o|)');
      const p2 = cold('          ---(o|)');
      const expected = '   --------x---------y|';
      const { receiver, sent } = scripted([p1, p2], () => cold('(o|)'));
      expectObservable(codes(notices.pipe(sendAlerts(receiver, { windowMs: 4 })))).toBe(expected, {
        x: 'S2',
        y: 'S1',
      });
      expectSubscriptions(p1.subscriptions).toBe('-----^--!');
      expectSubscriptions(p2.subscriptions).toBe('---------------^--!');
      return sent;
    });
    expect(sent.map((batch) => batch.map((n) => n.container.name))).toEqual([['web-1', 'web-2'], ['web-3']]);
  });

  it('retries a 5xx with backoff, telling each retry when it happens', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const notices = hot('a 30ms |', { a: A });
      const failing = cold('     --#', undefined, status(503));
      const ok = cold('          --(o|)');
      const expected = '   6ms r 6ms r 11ms s 5ms |';
      const { receiver } = scripted([failing, failing, ok], () => cold('(o|)'));
      expectObservable(codes(notices.pipe(sendAlerts(receiver, { windowMs: 4, retry })))).toBe(expected, {
        r: 'R1',
        s: 'S1',
      });
      // attempts at 4, 4 + 2 + 5 and 11 + 2 + 10 ms
      expectSubscriptions(failing.subscriptions).toBe(['----^-!', '11ms ^-!']);
      expectSubscriptions(ok.subscriptions).toBe('23ms ^-!');
    });
  });

  it('waits as long as a 429 Retry-After asks', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const notices = hot('a 2100ms |', { a: A });
      const limited = cold('     --#', undefined, status(429, { 'retry-after': '2' }));
      const ok = cold('          --(o|)');
      const expected = '   6ms r 2001ms s 92ms |';
      const { receiver } = scripted([limited, ok], () => cold('(o|)'));
      expectObservable(codes(notices.pipe(sendAlerts(receiver, { windowMs: 4, retry })))).toBe(expected, {
        r: 'R1',
        s: 'S1',
      });
      expectSubscriptions(limited.subscriptions).toBe('----^-!');
      expectSubscriptions(ok.subscriptions).toBe('2006ms ^-!');
    });
  });

  it('drops a batch refused with a 4xx at once, and goes on with the next', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const notices = hot('a 10ms b 20ms |', { a: A, b: B });
      const refused = cold('     --#', undefined, status(400));
      const ok = cold('          --(o|)');
      const expected = '   6ms x 10ms y 14ms |';
      const { receiver } = scripted([refused, ok], () => cold('(o|)'));
      expectObservable(codes(notices.pipe(sendAlerts(receiver, { windowMs: 4, retry })))).toBe(expected, {
        x: 'Dr1',
        y: 'S1',
      });
      expectSubscriptions(refused.subscriptions).toBe('----^-!');
      expectSubscriptions(ok.subscriptions).toBe('15ms ^-!');
    });
  });

  it('a retry sends the latest state: a resolved notice that came meanwhile replaces its firing one', () => {
    const { sent, events } = testScheduler().run(({ cold, hot }) => {
      const notices = hot('a 4ms b 30ms |', { a: A, b: resolved(A) });
      const failing = cold('--#', undefined, status(503));
      const { receiver, sent } = scripted([failing], () => cold('--(o|)'));
      const events: string[] = [];
      codes(notices.pipe(sendAlerts(receiver, { windowMs: 4, retry }))).subscribe((e) => events.push(e));
      return { sent, events };
    });
    expect(sent.map((batch) => batch.map((n) => n.status))).toEqual([['firing'], ['resolved']]);
    expect(events).toEqual(['R1', 'S1']);
  });

  it('a receiver that never answers blocks nothing: notices are taken, the queue bounded', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const notices = hot('a 9ms b 9ms c 9ms d 9ms e', { a: A, b: B, c: C, d: D, e: resolved(C) });
      const hanging = cold('-');
      const unsub = '      50ms !';
      // a's POST hangs; c and d overflow a queue of 2 as they arrive, each dropping the oldest
      // firing notice; e, c resolved, takes c's place: no drop
      const expected = '   20ms x 9ms x';
      const { receiver } = scripted([hanging], () => cold('-'));
      expectObservable(codes(notices.pipe(sendAlerts(receiver, { windowMs: 1, maxQueue: 2 }))), unsub).toBe(expected, {
        x: 'Dq1',
      });
      expectSubscriptions(hanging.subscriptions).toBe('-^ 48ms !');
    });
  });

  it("a queue of the caller's: what it holds at the start goes at once, what waits stays in it", () => {
    const queue = new AlertQueue(10);
    queue.push([A, B]); // a stop's leftovers, restored
    const { sent, left } = testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const notices = hot('-- 10ms c 20ms |', { c: C });
      const p1 = cold('    --(o|)');
      const p2 = cold('                 -');
      const unsub = '      -- 10ms - 20ms !';
      const expected = '   --x';
      const { receiver, sent } = scripted([p1, p2], () => cold('-'));
      expectObservable(codes(notices.pipe(sendAlerts(receiver, { windowMs: 4, queue }))), unsub).toBe(expected, {
        x: 'S2',
      });
      expectSubscriptions(p1.subscriptions).toBe('^-!');
      expectSubscriptions(p2.subscriptions).toBe('16ms ^ 16ms !');
      return { sent, left: queue };
    });
    expect(sent.map((batch) => batch.map((n) => n.container.name))).toEqual([['web-1', 'web-2'], ['web-3']]);
    // c's POST never answered: c is what a stop leaves
    expect(left.all().map((n) => n.container.name)).toEqual(['web-3']);
  });
});
