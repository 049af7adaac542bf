import { formatDuration } from '../config/alertDuration.js';
import type { Condition, Threshold } from '../config/alertCondition.js';
import { type ContainerRef, OWN_TAG_KEYS } from '../model/container.js';
import type { ContainerStatus } from '../model/lifecycle.js';
import type { FieldValue, Point } from '../model/point.js';
import type { AlertEntry } from './alertState.js';

/**
 * What one input says of one (rule, container) condition: the entry with `holds` (and the value
 * and summary a notice shows) brought up to date. Pure; the phases (`advance`) come after.
 */

/** A fresh entry: inactive, nothing seen. */
export const freshEntry = (rule: string, container: ContainerRef, now: number, host?: string): AlertEntry => ({
  rule,
  container,
  phase: 'inactive',
  holds: false,
  since: now,
  ...(host !== undefined && { host }),
});

/** A point's container: the one given with it, else what its tags say (labels: the tags that are not ours). */
export function containerOfPoint(point: Point, given?: ContainerRef): ContainerRef | undefined {
  if (given) return given;
  const { tags } = point;
  if (tags.container_id === undefined) return undefined;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) if (!OWN_TAG_KEYS.has(k)) labels[k] = v;
  return { id: tags.container_id, name: tags.container_name ?? tags.container_id, image: tags.image ?? '', labels };
}

/** A field as a number: integers and floats as they are, booleans as 1 and 0, texts not at all. */
export function numeric(value: FieldValue | undefined): number | undefined {
  if (value === undefined || typeof value === 'string') return undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number(value);
}

const COMPARE: Record<Threshold['op'], (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/**
 * A threshold's entry after a point: the point's series (its interface or device; '' for the
 * container's one) joins `holding` when over, leaves it when not. It holds while any series does.
 */
export function afterPoint(e: AlertEntry, when: Threshold, point: Point, now: number): AlertEntry | undefined {
  const value = numeric(point.fields[when.field]);
  if (value === undefined) return undefined;
  const series = point.tags.interface ?? point.tags.device ?? '';
  const over = COMPARE[when.op](value, when.value);
  const rest = (e.holding ?? []).filter((s) => s !== series);
  const holding = over ? [...rest, series] : rest;
  const where = series === '' ? '' : ` (${series})`;
  const told = over
    ? {
        value,
        summary: `${e.container.name}: ${when.measurement}.${when.field} ${round(value)} ${when.op} ${when.value}${where}`,
      }
    : {};
  return { ...e, ...told, holding, holds: holding.length > 0, seenAt: now };
}

const round = (n: number): number => Math.round(n * 100) / 100;

const ENDED = new Set(['exited', 'dead']);

/**
 * A lifecycle condition after a status. exited: it ended with a non-zero code, until it runs
 * again; oom_killed: the kernel killed it, until it runs again; unhealthy: running with its
 * healthcheck failing; restarts: the engine's restart count rose `count` times within the
 * window (the restart policy's restarts: a `docker restart` by hand does not count).
 */
export function afterStatus(
  e: AlertEntry,
  when: Exclude<Condition, Threshold>,
  status: ContainerStatus,
  now: number,
): AlertEntry {
  const name = status.container.name;
  const base: AlertEntry = { ...e, container: status.container };
  switch (when.kind) {
    case 'exited': {
      const code = status.exitCode;
      const holds = ENDED.has(status.state) && code !== undefined && code !== 0;
      return holds ? { ...base, holds, value: code, summary: `${name} exited with code ${code}` } : { ...base, holds };
    }
    case 'oom_killed': {
      const holds = status.oomKilled === true;
      return holds ? { ...base, holds, summary: `${name} was OOM-killed` } : { ...base, holds };
    }
    case 'unhealthy': {
      const holds = status.state === 'running' && status.health?.status === 'unhealthy';
      const streak = status.health?.failingStreak ?? 0;
      return holds
        ? { ...base, holds, value: streak, summary: `${name} is unhealthy (failing streak ${streak})` }
        : { ...base, holds };
    }
    case 'restarts': {
      const rose = e.restartCount === undefined ? 0 : Math.max(0, status.restartCount - e.restartCount);
      const fresh = Array.from({ length: Math.min(rose, when.count) }, () => now);
      const restarts = [...(e.restarts ?? []), ...fresh].filter((at) => now - at < when.withinMs);
      return restartsHeld({ ...base, restartCount: status.restartCount, restarts }, when, name);
    }
    case 'gone':
      return base;
  }
}

const restartsHeld = (
  e: AlertEntry,
  when: Extract<Condition, { kind: 'restarts' }>,
  name = e.container.name,
): AlertEntry => {
  const n = e.restarts?.length ?? 0;
  const holds = n >= when.count;
  return holds
    ? { ...e, holds, value: n, summary: `${name} restarted ${n} times in ${formatDuration(when.withinMs)}` }
    : { ...e, holds };
};

/**
 * What time alone changes in a condition: restarts age out of the window; a threshold series
 * with no point for `staleMs` (its stats stopped) no longer holds.
 */
export function afterTime(e: AlertEntry, when: Condition, staleMs: number, now: number): AlertEntry {
  if (when.kind === 'restarts' && e.restarts && e.restarts.length > 0) {
    const restarts = e.restarts.filter((at) => now - at < when.withinMs);
    return restarts.length === e.restarts.length ? e : restartsHeld({ ...e, restarts }, when);
  }
  if (when.kind === 'threshold' && e.holds && e.seenAt !== undefined && now - e.seenAt >= staleMs)
    return { ...e, holds: false, holding: [] };
  return e;
}

/** The condition as clear: the container stopped, went away, or is no longer selected. */
export const cleared = (e: AlertEntry): AlertEntry =>
  e.holds ? { ...e, holds: false, ...(e.holding && { holding: [] }) } : e;
