import { map } from 'rxjs';
import { describe, it } from 'vitest';
import { alertKey } from '../src/model/alert.js';
import { evaluateAlerts } from '../src/alert/evaluateAlerts.js';
import type { AlertRule } from '../src/config/alertRule.js';
import type { AlertState } from '../src/alert/alertState.js';
import type { AlertOptions } from '../src/alert/alertReducer.js';
import { container, cpu, removed, rule, shown, status } from '../test/support/alertFixtures.js';
import { testScheduler } from './testScheduler.js';

const web = container('web-1');
const hot = (more: Record<string, unknown> = {}): AlertRule =>
  rule({ name: 'hot', when: 'cpu.limit_percent > 80', keep_firing_for: '0', cooldown: '0', ...more });
const inputs = {
  h: cpu(web, { limit_percent: 93 }),
  l: cpu(web, { limit_percent: 12 }),
  g: removed(web),
  x: status(web, 'exited', { exitCode: 3 }),
  s: status(web, 'running'),
  a: status(web, 'running', { restartCount: 0 }),
  b: status(web, 'running', { restartCount: 1 }),
  c: status(web, 'running', { restartCount: 2 }),
  d: status(web, 'running', { restartCount: 3 }),
};

/** The operator on `source` with these rules, its notices shown as `F:rule:name@startsAt`. */
function run(
  source: string,
  expected: string,
  subscription: string,
  rules: readonly AlertRule[],
  values: Record<string, string>,
  options: AlertOptions & { initial?: AlertState } = {},
): void {
  const scheduler = testScheduler();
  scheduler.run(({ hot: hotObservable, expectObservable, expectSubscriptions }) => {
    const inputs$ = hotObservable(source, inputs);
    expectObservable(inputs$.pipe(evaluateAlerts(rules, options, scheduler), map(shown))).toBe(expected, values);
    expectSubscriptions(inputs$.subscriptions).toBe(subscription);
  });
}

describe('evaluateAlerts: thresholds on virtual time', () => {
  it('is pending until the threshold held for `for`, fires with startsAt its start, resolves when it drops', () => {
    run('   -h-h-h-h-l---|', '   ----F----R---|', '   ^------------!', [hot({ for: '3ms' })], {
      F: 'F:hot:web-1@1',
      R: 'R:hot:web-1@1-9',
    });
  });

  it('does not fire when it drops before `for`: pending goes back to inactive', () => {
    run('-h-l-h-l-|', '---------|', '^--------!', [hot({ for: '3ms' })], {});
  });

  it('tells a still-firing alert again every repeat interval, with its first startsAt', () => {
    run('   -h--------l-|', '   -F---F---FR-|', '   ^-----------!', [hot({ repeat_interval: '4ms' })], {
      F: 'F:hot:web-1@1',
      R: 'R:hot:web-1@1-10',
    });
  });

  it('keeps its timers when a container stopped long ago is told (INCLUDE_STATES with exited): repeats go on', () => {
    // db stopped at 0, told at 7 with the tombstone time 5 ms: its stop is older than that. A
    // mark made then is due in the past, so the evaluator had no timer at all: web's repeats
    // (Alertmanager's minute, keep_firing_for, `for`) stopped for good.
    const db = container('db-1');
    const scheduler = testScheduler();
    scheduler.run(({ hot: hotObservable, expectObservable }) => {
      const inputs$ = hotObservable('-h-----y------|', {
        h: cpu(web, { limit_percent: 93 }),
        y: status(db, 'exited', { exitCode: 0, finishedAt: { seconds: 0, nanos: 0 } }),
      });
      expectObservable(
        inputs$.pipe(evaluateAlerts([hot({ repeat_interval: '4ms' })], { tombstoneMs: 5 }, scheduler), map(shown)),
      ).toBe('-F---F---F---F|', { F: 'F:hot:web-1@1' });
    });
  });

  it('does not fire again within the cooldown: the condition held through it fires when it ends', () => {
    run('   -h-l-h-h---h-|', '   -F-R----G----|', '   ^------------!', [hot({ cooldown: '5ms' })], {
      F: 'F:hot:web-1@1',
      R: 'R:hot:web-1@1-3',
      G: 'F:hot:web-1@8',
    });
  });

  it('holds a flapping alert firing until it has been quiet for the flapping window', () => {
    // Fired twice within 10 ms: flapping. Its next clears keep it firing; it resolves 10 ms after the last.
    run(
      '   -hlhlhlhl----------|',
      '   -FRG--------------S|',
      '   ^------------------!',
      [hot()],
      { F: 'F:hot:web-1@1', R: 'R:hot:web-1@1-2', G: 'F:hot:web-1@3', S: 'R:hot:web-1@3-18' },
      { flapping: { count: 2, windowMs: 10 } },
    );
  });

  it('resolves a firing threshold when its container goes away, and fires `gone`; late points are dropped', () => {
    const gone = rule({ name: 'gone', when: 'gone', keep_firing_for: '4ms' });
    run('   -h-g-h-----|', '   -F-(RG)S---|', '   ^----------!', [hot(), gone], {
      F: 'F:hot:web-1@1',
      R: 'R:hot:web-1@1-3',
      G: 'F:gone:web-1@3',
      S: 'R:gone:web-1@3-7',
    });
  });
});

describe('evaluateAlerts: lifecycle conditions on virtual time', () => {
  it('fires an exit at once, and resolves it keep_firing_for after the container runs again', () => {
    run(
      '   -x--s------|',
      '   -F-----R---|',
      '   ^----------!',
      [rule({ name: 'exited', when: 'exited', keep_firing_for: '3ms' })],
      { F: 'F:exited:web-1@1', R: 'R:exited:web-1@1-7' },
    );
  });

  it('fires a restart loop at the Nth restart within the window, resolves when one ages out of it', () => {
    // Restarts at 2, 3, 4: the third fires; at 12 the one at 2 is out of the 10 ms window.
    run(
      '   -abcd----------|',
      '   ----F-------R--|',
      '   ^--------------!',
      [rule({ name: 'loop', when: 'restarts 3 in 10ms' })],
      { F: 'F:loop:web-1@4', R: 'R:loop:web-1@4-12' },
    );
  });

  it('does not tell a restored firing alert again before its repeat interval', () => {
    const exited = rule({ name: 'exited', when: 'exited', repeat_interval: '10ms' });
    const initial: AlertState = {
      entries: {
        [alertKey('exited', web.id)]: {
          rule: 'exited',
          container: web,
          phase: 'firing',
          holds: true,
          since: -20,
          notifiedAt: -5,
          summary: 'web-1 exited with code 3',
        },
      },
      removed: {},
    };
    run('   -x------|', '   -----F--|', '   ^-------!', [exited], { F: 'F:exited:web-1@-20' }, { initial });
  });
});
