import { type Observable, map } from 'rxjs';
import type { StatusRecord } from '../src/model/lifecycle.js';
import type { EngineEvent, InspectedContainer, ListedContainer } from '../src/sources/engine/engineCodecs.js';
import type { LifecycleOptions } from '../src/sources/lifecycleStatuses.js';

/** The containers, events and inspect answers the lifecycle's marble tests are written with. */
export type Item = readonly ListedContainer[] | EngineEvent;
export const inspected = (id: string, state: string, exitCode = 0): InspectedContainer => ({
  Id: id,
  Name: `/${id}`,
  State: {
    Running: state === 'running' || state === 'restarting',
    Pid: state === 'running' ? 42 : 0,
    Status: state,
    ExitCode: exitCode,
    FinishedAt: state === 'running' ? '0001-01-01T00:00:00Z' : '2026-11-27T10:00:00Z',
  },
  HostConfig: { NanoCpus: 5e8 },
  RestartCount: 0,
  Config: { Image: 'local/busybox', Labels: {} },
});
export const listed = (id: string, state: string): ListedContainer => ({
  Id: id,
  Names: [`/${id}`],
  Image: 'local/busybox',
  Labels: { team: 'core' },
  State: state,
});
export const event = (id: string, action: string, attributes: Record<string, string> = {}): EngineEvent => ({
  Type: 'container',
  Action: action,
  Actor: { ID: id, Attributes: { name: id, image: 'local/busybox', ...attributes } },
});
export const items: Record<string, Item> = {
  L: [listed('web', 'running'), listed('db', 'exited')],
  W: [listed('web', 'running')],
  X: [listed('web', 'exited')],
  N: [],
  c: event('web', 'create'),
  s: event('web', 'start'),
  d: event('web', 'die', { exitCode: '3' }),
  k: event('web', 'die', { exitCode: '137' }),
  o: event('web', 'oom'),
  g: event('job', 'die', { exitCode: '3' }),
  x: event('web', 'destroy'),
  u: event('web', 'update'),
  h: event('web', 'health_status: healthy'),
  n: event('web', 'rename', { oldName: '/old' }),
  O: [{ ...listed('web', 'running'), Names: ['/old'] }],
  G: event('ghost', 'start'),
};
export const answers = {
  r: inspected('web', 'running'),
  e: inspected('web', 'exited', 3),
  E: inspected('db', 'exited', 1),
  K: inspected('web', 'exited', 137),
  R: inspected('web', 'restarting', 3),
  M: { ...inspected('web', 'exited', 137), State: { ...inspected('web', 'exited', 137).State, OOMKilled: true } },
};
/** Statuses as `<name>:<state>[:<exit code>]`. */
export const shown = map(({ status }: StatusRecord) =>
  [status.container.name, status.state, ...(status.exitCode === undefined ? [] : [status.exitCode])].join(':'),
);
export const v = {
  c: 'web:created',
  r: 'web:running',
  e: 'web:exited:3',
  j: 'job:exited:3',
  E: 'db:exited:1',
  w: 'web:exited',
  G: 'ghost:running',
};

export type Cold = (marbles: string, values?: Record<string, unknown>, error?: unknown) => Observable<unknown>;
/** The inspects each container answers, in the order they are asked: 404 (`#`) once they run out. */
export function inspects(cold: Cold, byId: Record<string, string[]>): LifecycleOptions['inspect'] {
  const gone = Object.assign(new Error('no such container'), { statusCode: 404 });
  return (id) => cold(byId[id]?.shift() ?? '#', answers, gone) as Observable<InspectedContainer>;
}
export const options = (
  inspect: LifecycleOptions['inspect'],
  extra: Partial<LifecycleOptions> = {},
): LifecycleOptions => ({
  filters: {},
  intervalMs: 5,
  inspect,
  clock: () => 0,
  ...extra,
});
