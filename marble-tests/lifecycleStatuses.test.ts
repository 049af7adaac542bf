import { map } from 'rxjs';
import { describe, it } from 'vitest';
import type { StatusRecord } from '../src/model/lifecycle.js';
import type { EngineEvent, InspectedContainer } from '../src/sources/engine/engineCodecs.js';
import type { LifecycleInput } from '../src/sources/engine/lifecycle.js';
import { lifecycleStatuses } from '../src/sources/lifecycleStatuses.js';
import { testScheduler } from './testScheduler.js';

type Input = Exclude<LifecycleInput, { kind: 'tick' }>;
const at = { seconds: 1_700_000_000, nanos: 0 };
const inspected = (id: string, state: string, exitCode = 0): InspectedContainer => ({
  Id: id,
  Name: `/${id}`,
  State: {
    Running: state === 'running',
    Pid: state === 'running' ? 42 : 0,
    Status: state,
    ExitCode: exitCode,
    FinishedAt: state === 'running' ? '0001-01-01T00:00:00Z' : '2026-11-27T10:00:00Z',
  },
  HostConfig: {},
  RestartCount: 0,
  Config: { Image: 'local/busybox', Labels: {} },
});
const event = (id: string, action: string, attributes: Record<string, string> = {}): EngineEvent => ({
  Type: 'container',
  Action: action,
  Actor: { ID: id, Attributes: { name: id, image: 'local/busybox', ...attributes } },
});
const inputs: Record<string, Input> = {
  a: { kind: 'inspected', info: inspected('web', 'running'), at },
  b: { kind: 'inspected', info: inspected('db', 'exited', 1), at },
  d: { kind: 'inspected', info: inspected('web', 'exited', 3), event: event('web', 'die', { exitCode: '3' }), at },
  g: { kind: 'event', event: event('job', 'die', { exitCode: '3' }), at },
  x: { kind: 'event', event: event('web', 'destroy'), at },
  o: { kind: 'inspected', info: inspected('web', 'running'), event: event('web', 'oom'), at },
  k: { kind: 'inspected', info: inspected('web', 'exited', 137), event: event('web', 'die', { exitCode: '137' }), at },
};
// Statuses as `<name>:<state>[:<exit code>]`.
const shown = map(({ status }: StatusRecord) =>
  [status.container.name, status.state, ...(status.exitCode === undefined ? [] : [status.exitCode])].join(':'),
);
const v = { r: 'web:running', e: 'web:exited:3', j: 'job:exited:3', E: 'db:exited:1' };

describe('lifecycleStatuses: the container measurement’s statuses', () => {
  it('writes an event’s status at once, and every interval the containers the state filter includes', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  -a-b------d---------|', inputs);
      const subs = '        ^-------------------!';
      const expected = '    -----r----e---------|';
      const statuses = source.pipe(
        lifecycleStatuses({}, 5, () => 1_700_000_000_000),
        shown,
      );
      expectObservable(statuses).toBe(expected, v);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('with INCLUDE_STATES=running,exited, stopped containers are written every interval too', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('  -a-b-----------|', inputs);
      const expected = '    -----(rE)-(rE)-|';
      const filters = { includeStates: ['running', 'exited'] };
      expectObservable(
        source.pipe(
          lifecycleStatuses(filters, 5, () => 0),
          shown,
        ),
      ).toBe(expected, v);
    });
  });

  it('a container gone before it could be inspected still leaves its exit code; destroy forgets one', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('  -a-g-x---------|', inputs);
      const expected = '    ---j-----------|';
      expectObservable(
        source.pipe(
          lifecycleStatuses({}, 5, () => 0),
          shown,
        ),
      ).toBe(expected, v);
    });
  });

  it('name filters apply to event statuses as well', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('  -a-g-d---------|', inputs);
      const expected = '    -----(ee)-e----|'; // at 5, d's status, then the interval's
      const filters = { includeNames: ['web'], includeStates: ['running', 'exited'] };
      expectObservable(
        source.pipe(
          lifecycleStatuses(filters, 5, () => 0),
          shown,
        ),
      ).toBe(expected, v);
    });
  });

  it('an oom event wins over the die inspect after it, which may say OOMKilled=false (cgroup v1)', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  -a-o-k---|', inputs);
      const subs = '        ^--------!';
      const expected = '    ---O-K---|';
      const oom = map(({ status }: StatusRecord) => `${status.state}:${String(status.oomKilled)}`);
      expectObservable(
        source.pipe(
          lifecycleStatuses({}, 50, () => 0),
          oom,
        ),
      ).toBe(expected, {
        O: 'running:true',
        K: 'exited:true',
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });
});
