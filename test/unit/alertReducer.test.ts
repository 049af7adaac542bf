import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AlertInput, removedInput } from '../../src/alert/alertInput.js';
import { type AlertReducer, alertReducer } from '../../src/alert/alertReducer.js';
import { type AlertState, EMPTY_ALERT_STATE, restoreAlertState } from '../../src/alert/alertState.js';
import type { AlertRule } from '../../src/config/alertRule.js';
import { DEFAULT_ALERT_RULES } from '../../src/config/defaultAlertRules.js';
import type { AlertNotice } from '../../src/model/alert.js';
import type { ContainerRef } from '../../src/model/container.js';
import { container, cpu, removed, rule, shown, status, tick } from '../support/alertFixtures.js';

/** Inputs at their times (ms), with the ticks the operator would send at each due time between them. */
function drive(
  reducer: AlertReducer,
  steps: readonly (readonly [number, AlertInput])[],
  start: AlertState = EMPTY_ALERT_STATE,
): { state: AlertState; notices: (AlertNotice & { at: number })[] } {
  let state = start;
  const notices: (AlertNotice & { at: number })[] = [];
  const apply = (input: AlertInput, at: number): void => {
    const [next, told] = reducer.reduce(state, input, at);
    state = next;
    notices.push(...told.map((n) => ({ ...n, at })));
  };
  for (const [at, input] of steps) {
    for (let due = reducer.nextDue(state); due !== undefined && due <= at;) {
      apply(tick, due);
      const next = reducer.nextDue(state);
      if (next === due) throw new Error(`the state stays due at ${due}`);
      due = next;
    }
    apply(input, at);
  }
  return { state, notices };
}

const web = container('web-1');
const db = container('db-1');
const defaults = alertReducer(DEFAULT_ALERT_RULES);

describe('alertReducer: the default rules', () => {
  it('fires an exit with its code at once, and resolves it 5 min after the container runs again', () => {
    const { notices } = drive(defaults, [
      [1000, status(web, 'running')],
      [2000, status(web, 'exited', { exitCode: 3, oomKilled: false })],
      [3000, status(web, 'running')],
      [400_000, status(web, 'running')],
    ]);
    expect(notices.map(shown)).toEqual(['F:exited:web-1@2000', 'R:exited:web-1@2000-303000']);
    expect(notices[0]).toMatchObject({ value: 3, severity: 'warning', summary: 'web-1 exited with code 3' });
  });

  it('tells nothing for an exit with code 0', () => {
    expect(drive(defaults, [[1, status(web, 'exited', { exitCode: 0 })]]).notices).toEqual([]);
  });

  it('fires the exit of a --rm container told after its removal, and gone; both resolve after keep_firing_for', () => {
    const { notices, state } = drive(defaults, [
      [1000, removed(web)],
      [1050, status(web, 'exited', { exitCode: 3 })],
      [1_000_000, tick],
    ]);
    expect(notices.map((n) => `${shown(n)}#${n.at}`)).toEqual([
      'F:gone:web-1@1000#1000',
      'F:exited:web-1@1050#1050',
      'R:gone:web-1@1000-301000#301000',
      'R:exited:web-1@1050-301050#301050',
    ]);
    expect(state.entries).toEqual({});
  });

  it('tells nothing for a container removed after a clean exit (docker run --rm, exit 0): gone is for what vanished', () => {
    const { notices, state } = drive(defaults, [
      [1000, status(web, 'running')],
      [1500, removedInput(web, undefined, true)],
      [1550, status(web, 'exited', { exitCode: 0 })],
      [1_000_000, tick],
    ]);
    expect(notices).toEqual([]);
    expect(state.entries).toEqual({});
    // The same removal of a running container fires gone.
    expect(drive(defaults, [[1, removedInput(db)]]).notices.map(shown)).toEqual(['F:gone:db-1@1']);
  });

  it('fires an OOM kill and unhealthy as critical and warning', () => {
    const { notices } = drive(defaults, [
      [1, status(web, 'running', { health: { status: 'unhealthy', failingStreak: 3 } })],
      [2, status(db, 'exited', { exitCode: 137, oomKilled: true })],
    ]);
    expect(notices.map((n) => `${n.rule}:${n.severity}:${n.container.name}`)).toEqual([
      'unhealthy:warning:web-1',
      'exited:warning:db-1',
      'oom_killed:critical:db-1',
    ]);
  });

  it('counts the restart policy’s restarts from the first count seen: 3 in 10 min', () => {
    const rc = (n: number): AlertInput => status(web, 'running', { restartCount: n });
    const { notices } = drive(defaults, [
      [0, rc(7)],
      [60_000, rc(8)],
      [120_000, rc(9)],
      [180_000, rc(10)],
    ]);
    expect(notices.map(shown)).toEqual(['F:restart_loop:web-1@180000']);
    expect(notices[0]!.summary).toBe('web-1 restarted 3 times in 10m');
  });
});

describe('alertReducer: thresholds and the container’s life', () => {
  const hot = alertReducer([rule({ name: 'hot', when: 'cpu.limit_percent > 80', for: '5s' })]);
  const over = (sampledMs: number): AlertInput => cpu(web, { limit_percent: 99 }, sampledMs);
  const stopped = status(web, 'exited', { exitCode: 0, finishedAt: { seconds: 20, nanos: 0 } });

  it('does not let the late points of a stopped container hold a threshold again (it resolves keep_firing_for after the stop)', () => {
    const { notices } = drive(hot, [
      [10_000, over(10_000)],
      [20_100, stopped],
      [21_000, over(19_500)],
      [90_000, tick],
    ]);
    expect(notices.map(shown)).toEqual(['F:hot:web-1@10000', 'R:hot:web-1@10000-25100']);
  });

  it('nor a point read after the stop (a dead container’s cgroup read late, its rate over the last run)', () => {
    const { notices } = drive(hot, [
      [10_000, over(10_000)],
      [20_100, stopped],
      [21_000, over(20_400)],
      [90_000, tick],
    ]);
    expect(notices.map(shown)).toEqual(['F:hot:web-1@10000', 'R:hot:web-1@10000-25100']);
  });

  it('forgets a stop after the tombstone time: a container removed while the daemon was down leaves no mark', () => {
    const { state } = drive(hot, [
      [20_100, stopped],
      [21_000, over(21_000)],
    ]);
    expect(state.stopped).toEqual({ [web.id]: 20_000 });
    // restored after a long stop: the engine no longer has it, nothing will ever tell its removal
    const [later] = hot.reduce(state, tick, 20_000 + 10 * 60_000);
    expect(later.stopped).toEqual({});
    expect(hot.nextDue(state)).toBe(20_000 + 10 * 60_000);
  });

  it('leaves an exited container still listed (INCLUDE_STATES=all) alone after the tombstone time: no mark re-made and forgotten at each status', () => {
    // the lifecycle re-tells a listed container's status every interval; each change of the state is a write
    let state = drive(hot, [[20_100, stopped]]).state;
    const changedAt: number[] = [];
    const apply = (input: AlertInput, at: number): void => {
      const [next] = hot.reduce(state, input, at);
      if (next !== state) changedAt.push(at);
      state = next;
    };
    for (let at = 30_000; at <= 20_000 + 20 * 60_000; at += 10_000) {
      for (let due = hot.nextDue(state); due !== undefined && due <= at; due = hot.nextDue(state)) apply(tick, due);
      apply(stopped, at);
    }
    // the mark goes once, at the tombstone time; the statuses after it change nothing
    expect(changedAt.filter((at) => at > 20_000 + 10 * 60_000 + 10_000)).toEqual([]);
  });

  it('counts the points of its next run', () => {
    const { notices } = drive(hot, [
      [20_100, stopped],
      [30_000, status(web, 'running')],
      [31_000, over(31_000)],
      [37_000, over(37_000)],
    ]);
    expect(notices.map(shown)).toEqual(['F:hot:web-1@31000']);
  });

  it('resolves a threshold whose points stopped coming, after staleMs', () => {
    const stale = alertReducer([rule({ name: 'hot', when: 'cpu.limit_percent > 80', keep_firing_for: '0' })], {
      staleMs: 30_000,
    });
    const { notices } = drive(stale, [
      [1000, over(1000)],
      [100_000, tick],
    ]);
    expect(notices.map(shown)).toEqual(['F:hot:web-1@1000', 'R:hot:web-1@1000-31000']);
  });
});

describe('alertReducer: the state saved and restored', () => {
  const exited = rule({ name: 'exited', when: 'exited', repeat_interval: '1h' });
  const reducer = alertReducer([exited]);

  it('does not notify again what was notified within the repeat interval; does after it', () => {
    const before = drive(reducer, [[10_000, status(web, 'exited', { exitCode: 3 })]]);
    expect(before.notices.map(shown)).toEqual(['F:exited:web-1@10000']);
    const restored = restoreAlertState(JSON.parse(JSON.stringify(before.state)));
    expect(restored).toEqual(before.state);
    // A new process, a new reducer: the same statuses again within the hour tell nothing.
    const after = drive(alertReducer([exited]), [[20_000, status(web, 'exited', { exitCode: 3 })]], restored);
    expect(after.notices).toEqual([]);
    const later = drive(alertReducer([exited]), [[3_610_000, tick]], restored);
    expect(later.notices.map((n) => `${shown(n)}#${n.at}`)).toEqual(['F:exited:web-1@10000#3610000']);
  });

  it('turns away a saved state that is not one, and resolves the firing alerts of rules no longer there', () => {
    expect(restoreAlertState({ entries: { x: { rule: 1 } }, removed: {} })).toBeUndefined();
    expect(restoreAlertState('{}')).toBeUndefined();
    const critical = alertReducer([rule({ name: 'exited', when: 'exited', severity: 'critical' })]);
    const saved = drive(critical, [[1, status(web, 'exited', { exitCode: 3 })]]).state;
    const exited = Object.values(saved.entries)[0]!;
    expect(exited).toMatchObject({ rule: 'exited', phase: 'firing', severity: 'critical' });
    const other = alertReducer([rule({ name: 'other', when: 'oom_killed' })]);
    const [next, notices] = other.reduce(saved, tick, 2);
    expect(next.entries).toEqual({});
    expect(notices).toEqual([
      expect.objectContaining({ rule: 'exited', status: 'resolved', severity: 'critical', startsAt: 1, endsAt: 2 }),
    ]);
    // A state saved before entries kept their severity: resolved as a warning.
    const { severity: _s, ...older } = exited;
    const [, fromOlder] = other.reduce({ ...saved, entries: { x: older } }, tick, 2);
    expect(fromOlder.map((n) => `${n.status}:${n.severity}`)).toEqual(['resolved:warning']);
    // Nothing told of one that was not firing.
    const [, quiet] = other.reduce({ ...saved, entries: { x: { ...exited, phase: 'cooldown' } } }, tick, 2);
    expect(quiet).toEqual([]);
  });

  it('an alert fired before a restart that changed its rule’s severity repeats and resolves with the one it fired with', () => {
    // Severity is a label: a resolved notice with another one is another alert to Alertmanager
    // and to a receiver that goes by the fingerprint; the one told firing would stay open.
    const exited = (severity: string) =>
      alertReducer([rule({ name: 'exited', when: 'exited', severity, repeat_interval: '1h' })]);
    const before = drive(exited('warning'), [[1, status(web, 'exited', { exitCode: 3 })]]);
    expect(before.notices.map((n) => `${n.status}:${n.severity}`)).toEqual(['firing:warning']);
    const after = drive(
      exited('critical'),
      [
        [3_600_002, status(web, 'running')], // told again at 3_600_001 (repeat_interval), then clear
        [3_700_000, status(web, 'exited', { exitCode: 3 })],
      ],
      before.state,
    );
    // The next episode takes the rule's new severity.
    expect(after.notices.map((n) => `${n.status}:${n.severity}`)).toEqual([
      'firing:warning',
      'resolved:warning',
      'firing:critical',
    ]);
  });
});

describe('alertReducer: properties', () => {
  const rules: AlertRule[] = [
    ...DEFAULT_ALERT_RULES.map((r) => ({ ...r, containers: { ...r.containers, names: ['web-*'] } })),
    rule({ name: 'hot', when: 'cpu.limit_percent > 80', for: '2s', containers: ['web-*'], cooldown: '5s' }),
  ];
  const reducer = alertReducer(rules, { flapping: { count: 2, windowMs: 30_000 }, maxRepeatMs: 20_000 });
  const inputFor = (c: ContainerRef): fc.Arbitrary<AlertInput> =>
    fc.oneof(
      fc.double({ min: 0, max: 200, noNaN: true }).map((v) => cpu(c, { limit_percent: v })),
      fc
        .record({
          state: fc.constantFrom('running', 'exited', 'dead', 'restarting', 'paused'),
          exitCode: fc.constantFrom(undefined, 0, 1, 137),
          oomKilled: fc.constantFrom(undefined, false, true),
          health: fc.constantFrom(undefined, 'healthy', 'unhealthy', 'starting'),
          restartCount: fc.nat(6),
        })
        .map(({ state, exitCode, oomKilled, health, restartCount }) =>
          status(c, state, {
            restartCount,
            ...(exitCode !== undefined && { exitCode }),
            ...(oomKilled !== undefined && { oomKilled }),
            ...(health !== undefined && { health: { status: health, failingStreak: 1 } }),
          }),
        ),
      fc.constant(removed(c)),
      fc.constant(tick),
    );
  const timeline = (c: ContainerRef) =>
    fc.array(fc.tuple(fc.integer({ min: 0, max: 40_000 }), inputFor(c)), { maxLength: 60 }).map((steps) => {
      let at = 0;
      return steps.map(([dt, input]) => [(at += dt), input] as const);
    });

  it('never tells anything of a container no rule selects', () => {
    fc.assert(fc.property(timeline(db), (steps) => drive(reducer, steps).notices.length === 0));
  });

  it('resolves an alert only after it fired, with the firing’s startsAt, and fires no alert twice at once', () => {
    fc.assert(
      fc.property(timeline(web), (steps) => {
        const firing = new Map<string, number>();
        for (const n of drive(reducer, [...steps, [10_000_000, tick]]).notices) {
          const started = firing.get(n.rule);
          if (n.status === 'resolved') {
            expect(started).toBe(n.startsAt);
            expect(n.endsAt).toBeGreaterThanOrEqual(n.startsAt);
            firing.delete(n.rule);
          } else {
            if (started !== undefined) expect(n.startsAt).toBe(started);
            firing.set(n.rule, n.startsAt);
          }
        }
      }),
    );
  });

  it('keeps the state encodable: what it saves, it reads back', () => {
    fc.assert(
      fc.property(timeline(web), (steps) => {
        const { state } = drive(reducer, steps);
        expect(restoreAlertState(JSON.parse(JSON.stringify(state)))).toEqual(state);
      }),
    );
  });
});
