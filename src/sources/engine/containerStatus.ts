import type { ContainerRef } from '../../model/container.js';
import type { ContainerStatus, Limits } from '../../model/lifecycle.js';
import { type Instant, parseInstant } from '../../model/timestamp.js';
import { type EngineEvent, type InspectedContainer, type ListedContainer, stripSlash } from './engineCodecs.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The engine writes Go's zero time (0001-01-01T00:00:00Z) for "never": that is unknown, not a time. */
function knownTime(text: string | undefined): Instant | undefined {
  const instant = text === undefined ? undefined : parseInstant(text);
  return instant && instant.seconds > 0 ? instant : undefined;
}

/** The number of CPUs a cpuset list such as `0-3,6` names. */
export function cpusetSize(list: string): number | undefined {
  let n = 0;
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) return undefined;
    n += m[2] === undefined ? 1 : Number(m[2]) - Number(m[1]) + 1;
  }
  return n > 0 ? n : undefined;
}

/** The kernel's CFS period when none is given: 100 ms. */
const DEFAULT_PERIOD_US = 100_000;

/**
 * The limits in inspect: CPUs, `NanoCpus` (--cpus), else `CpuQuota`/`CpuPeriod` (0: 100 ms); the
 * CFS quota and period as the engine gives them to the kernel, `CpuQuota`/`CpuPeriod` first (Podman
 * sets them beside `NanoCpus`), else `NanoCpus` over 100 ms as Docker turns it into a quota (whole
 * µs); the cpuset; and the memory limit, 0 without one (`Memory`: 0), as cAdvisor serves it.
 */
export function limitsOf(host: InspectedContainer['HostConfig']): Limits {
  const limit: Mutable<Limits> = {};
  if (host.NanoCpus) limit.cpus = host.NanoCpus / 1e9;
  else if (host.CpuQuota && host.CpuQuota > 0) limit.cpus = host.CpuQuota / (host.CpuPeriod || DEFAULT_PERIOD_US);
  if (host.CpuQuota && host.CpuQuota > 0) {
    limit.cpuQuotaUs = host.CpuQuota;
    limit.cpuPeriodUs = host.CpuPeriod || DEFAULT_PERIOD_US;
  } else if (host.NanoCpus && host.NanoCpus > 0) {
    limit.cpuQuotaUs = Math.trunc((host.NanoCpus * DEFAULT_PERIOD_US) / 1e9);
    limit.cpuPeriodUs = DEFAULT_PERIOD_US;
  }
  const cpuset = host.CpusetCpus ? cpusetSize(host.CpusetCpus) : undefined;
  if (cpuset !== undefined) limit.cpusetCpus = cpuset;
  if (host.Memory !== undefined && host.Memory !== null) limit.memoryBytes = host.Memory > 0 ? host.Memory : 0;
  return limit;
}

/** The container's identity as inspect gives it (name without its slash, the image as it was asked for). */
export function refOf(info: InspectedContainer, known?: ContainerRef): ContainerRef {
  return {
    id: info.Id,
    name: info.Name ? stripSlash(info.Name) : (known?.name ?? info.Id.slice(0, 12)),
    image: info.Config?.Image ?? known?.image ?? '',
    labels: info.Config?.Labels ?? known?.labels ?? {},
  };
}

/** The state inspect gives, or, from an engine that leaves `Status` out (before API 1.21), from its flags. */
const stateOf = (s: InspectedContainer['State']): string => s.Status ?? (s.Running ? 'running' : 'exited');

/** A container's status from its inspect. */
export function statusFromInspect(info: InspectedContainer, known?: ContainerRef): ContainerStatus {
  const s = info.State;
  const startedAt = knownTime(s.StartedAt);
  const finishedAt = knownTime(s.FinishedAt);
  // A container that ran and stopped; `Running` stays true while a restart policy restarts it.
  const ended = !s.Running && finishedAt !== undefined && stateOf(s) !== 'created';
  // `removing` (`--rm`, `docker rm -f`) is the engine's passing state of a container that exited.
  const state = ended && stateOf(s) === 'removing' ? 'exited' : stateOf(s);
  return {
    container: refOf(info, known),
    state,
    restartCount: info.RestartCount ?? 0,
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt && ended ? { finishedAt } : {}),
    ...(ended && s.ExitCode !== undefined ? { exitCode: s.ExitCode } : {}),
    ...(ended && s.OOMKilled !== undefined ? { oomKilled: s.OOMKilled } : {}),
    ...(s.Health ? { health: { status: s.Health.Status, failingStreak: s.Health.FailingStreak ?? 0 } } : {}),
    limits: limitsOf(info.HostConfig),
  };
}

/** The state a lifecycle event leaves a container in: what a point stamped with the event's time says. */
const STATE_AFTER: Readonly<Record<string, string>> = {
  create: 'created',
  start: 'running',
  restart: 'running',
  unpause: 'running',
  pause: 'paused',
  die: 'exited',
};

/** Whether an event says the state it leaves (`start`: running); `update`, `rename`, `oom`, `health_status` do not. */
export const carriesState = (event: EngineEvent): boolean => STATE_AFTER[event.Action.split(':')[0]!] !== undefined;

/**
 * A known container's status after an event, from what the event itself carries: the state it
 * leaves, the exit code of `die` and its time (finished), the time of `start` (started), `oom`,
 * the health of `health_status: healthy`. These win over any inspect: under a restart policy the
 * inspect after `die` already says `restarting` or `running`, and a container that lived a few
 * ms is `exited` by the time its `start` is inspected.
 */
export function statusAfterEvent(status: ContainerStatus, event: EngineEvent, at?: Instant): ContainerStatus {
  const action = event.Action.split(':')[0]!;
  const attributes = event.Actor.Attributes ?? {};
  const state = STATE_AFTER[action] ?? status.state;
  const next: Mutable<ContainerStatus> = { ...status, state };
  if (action === 'die') {
    const code = Number(attributes.exitCode);
    if (attributes.exitCode !== undefined && Number.isInteger(code)) next.exitCode = code;
    else delete next.exitCode;
    // The kernel's OOM kill is told before the container dies: an `oom` before this `die` stays.
    next.oomKilled ??= false;
    if (at) next.finishedAt = at;
  } else if (action === 'oom') next.oomKilled = true;
  else if (action === 'health_status') {
    const health = event.Action.slice(action.length + 1).trim();
    if (health) next.health = { status: health, failingStreak: status.health?.failingStreak ?? 0 };
  } else if (action === 'start' || action === 'restart') {
    delete next.exitCode;
    delete next.oomKilled;
    delete next.finishedAt;
    // `restart` follows its `start` by µs: the start's time stays (inspect's StartedAt is before both).
    if (at && !(action === 'restart' && status.state === 'running' && status.startedAt)) next.startedAt = at;
  }
  return next;
}

/**
 * The status an event left, with the details its inspect adds: names, image, labels, restart
 * count, limits, the health's failing streak; never the state (see `statusAfterEvent`).
 */
export function withDetails(status: ContainerStatus, info: InspectedContainer, event?: EngineEvent): ContainerStatus {
  const fresh = statusFromInspect(info, status.container);
  const next: Mutable<ContainerStatus> = {
    ...status,
    container: fresh.container,
    restartCount: fresh.restartCount,
    limits: fresh.limits,
  };
  // The engine's StartedAt is the run's own (ms before its event); a later one is a later run's.
  if (fresh.startedAt && (!next.startedAt || !after(fresh.startedAt, next.startedAt))) next.startedAt = fresh.startedAt;
  // The `oom` event is not always sent (cgroup v1): the engine's own OOMKilled after a `die` counts too.
  if (event?.Action === 'die' && info.State.OOMKilled === true) next.oomKilled = true;
  // Only Docker's `health_status: <health>` tells one: Podman's bare `health_status` leaves it to the inspect.
  const told = event?.Action.startsWith('health_status:') ? status.health : undefined;
  if (told) next.health = { status: told.status, failingStreak: fresh.health?.failingStreak ?? told.failingStreak };
  else if (fresh.health) next.health = fresh.health;
  else delete next.health;
  return next;
}

const after = (a: Instant, b: Instant): boolean =>
  a.seconds > b.seconds || (a.seconds === b.seconds && a.nanos > b.nanos);

/**
 * A status with the state inspect sees (state, start, finish, exit code, OOM flag), for an event
 * that carries no state of its own: an `oom` told before stays told.
 */
export function withStateOf(status: ContainerStatus, info: InspectedContainer): ContainerStatus {
  const seen = statusFromInspect(info, status.container);
  const { state: _s, startedAt: _a, finishedAt: _f, exitCode: _c, oomKilled: _o, ...rest } = status;
  const { startedAt, finishedAt, exitCode, oomKilled } = seen;
  return {
    ...rest,
    state: seen.state,
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(status.oomKilled || oomKilled !== undefined
      ? { oomKilled: status.oomKilled === true || oomKilled === true }
      : {}),
  };
}

/** A listed container whose inspect failed: what the listing says, over what was known of it. */
export function statusFromListing(c: ListedContainer, known?: ContainerStatus): ContainerStatus {
  const container = {
    id: c.Id,
    name: stripSlash(c.Names?.[0] ?? known?.container.name ?? c.Id.slice(0, 12)),
    image: c.Image,
    labels: c.Labels ?? {},
  };
  if (known?.state === c.State) return { ...known, container };
  return { container, state: c.State, restartCount: known?.restartCount ?? 0, limits: known?.limits ?? {} };
}

/** The states of a container that has not ended: a `die` (or `destroy`) ends it. */
export const LIVE_STATES: ReadonlySet<string> = new Set(['running', 'paused', 'restarting']);

/**
 * The last status of a container that disappeared while the events were down (not in the
 * re-listing: removed): a live one is written `exited`, with no exit code (none is known).
 */
export function goneStatus(status: ContainerStatus): ContainerStatus {
  if (!LIVE_STATES.has(status.state)) return status;
  const { exitCode: _c, finishedAt: _f, oomKilled: _o, health: _h, ...rest } = status;
  return { ...rest, state: 'exited' };
}

/** Whether two statuses of a container say a different state, exit, start or restart count. */
export function changedState(a: ContainerStatus, b: ContainerStatus): boolean {
  const key = (s: ContainerStatus) =>
    JSON.stringify([s.state, s.exitCode, s.oomKilled, s.restartCount, s.startedAt, s.finishedAt]);
  return key(a) !== key(b);
}
