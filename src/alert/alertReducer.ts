import type { Condition, Threshold } from '../config/alertCondition.js';
import type { AlertRule } from '../config/alertRule.js';
import { type AlertNotice, alertKey } from '../model/alert.js';
import type { ContainerRef } from '../model/container.js';
import type { StatusRecord } from '../model/lifecycle.js';
import { msOfInstant } from '../model/timestamp.js';
import type { AlertInput } from './alertInput.js';
import { afterPoint, afterStatus, afterTime, cleared, containerOfPoint, freshEntry } from './alertConditions.js';
import { type TunedRule, advance, dueOf, firedWithin, notice, resolve } from './alertPhases.js';
import type { AlertEntry, AlertState } from './alertState.js';
import { containerSelector } from './containerSelector.js';
import { sameData } from './sameData.js';

export interface AlertOptions {
  /**
   * A firing alert is told again at least this often, whatever its rule's `repeat_interval`:
   * Alertmanager resolves an alert that is not posted again within its `resolve_timeout` (5 min),
   * so its delivery sets this to about a minute. Default: the rule's own.
   */
  readonly maxRepeatMs?: number;
  /** Starting to fire `count` times within `windowMs` is flapping (`advance` says what that does). */
  readonly flapping?: { readonly count: number; readonly windowMs: number };
  /** A threshold series with no point for this long (its stats stopped) no longer holds. */
  readonly staleMs?: number;
  /** How long a removed container's id is kept: its late points do not bring its thresholds back. */
  readonly tombstoneMs?: number;
}

/** `maxRepeatMs` for Alertmanager: well inside its `resolve_timeout` (5 min), so a firing alert stays firing. */
export const ALERTMANAGER_REPEAT_MS = 60_000;
export const DEFAULT_FLAPPING = { count: 3, windowMs: 10 * 60_000 } as const;
export const DEFAULT_STALE_MS = 60_000;
export const DEFAULT_TOMBSTONE_MS = 10 * 60_000;

/** The state after one input, and the notices it makes. */
export type AlertStep = readonly [AlertState, readonly AlertNotice[]];

export interface AlertReducer {
  /** Pure: the same state, input and time give the same step; a step that changes nothing returns `state` itself. */
  readonly reduce: (state: AlertState, input: AlertInput, now: number) => AlertStep;
  /** When the state next changes with time alone (ms), if it does: when the evaluator sends a `tick`. */
  readonly nextDue: (state: AlertState) => number | undefined;
}

interface Compiled {
  readonly rule: TunedRule;
  readonly selects: (c: ContainerRef) => boolean;
}

const tune = (rule: AlertRule, options: AlertOptions): TunedRule => {
  const max = options.maxRepeatMs;
  const repeatMs = max === undefined ? rule.repeatMs : rule.repeatMs > 0 ? Math.min(rule.repeatMs, max) : max;
  const flapping = options.flapping ?? DEFAULT_FLAPPING;
  return {
    ...rule,
    repeatMs,
    flapCount: flapping.count,
    flapWindowMs: flapping.windowMs,
    staleMs: options.staleMs ?? DEFAULT_STALE_MS,
  };
};

/**
 * The alert rules as a pure reducer over the evaluator's inputs, with the time given:
 *
 * - a point: the threshold rules on its measurement that select its container (a removed
 *   container's late points are dropped);
 * - a status: the lifecycle rules that select its container; a container that stopped clears
 *   its thresholds, and its points are dropped (a stream's last, late; a cgroup read just
 *   after the death) until a status says it runs again; a status of a removed container (its
 *   `die`, told after the removal) fires what it says, then clears;
 * - removed: `gone` fires (and clears: it holds only then, `keep_firing_for` keeps it firing),
 *   unless its last status was a clean exit (code 0);
 *   the container's threshold alerts resolve at once (no more data will come); its lifecycle
 *   alerts clear, so an exit or OOM kill stays firing for its `keep_firing_for`, then resolves;
 * - tick: time alone (a `for` held, a repeat, a cooldown over, restarts out of the window).
 *
 * Entries that remember nothing are dropped, so the state holds the alerts under way, the
 * restart counts and the flapping history only.
 */
export function alertReducer(rules: readonly AlertRule[], options: AlertOptions = {}): AlertReducer {
  const compiled: Compiled[] = rules
    .filter((r) => r.enabled)
    .map((r) => ({ rule: tune(r, options), selects: containerSelector(r.containers) }));
  const byName = new Map(compiled.map((c) => [c.rule.name, c.rule]));
  const thresholds = new Map<string, Compiled[]>();
  for (const c of compiled)
    if (c.rule.when.kind === 'threshold')
      thresholds.set(c.rule.when.measurement, [...(thresholds.get(c.rule.when.measurement) ?? []), c]);
  const lifecycle = compiled.filter((c) => c.rule.when.kind !== 'threshold' && c.rule.when.kind !== 'gone');
  const gone = compiled.filter((c) => c.rule.when.kind === 'gone');
  const tombstoneMs = options.tombstoneMs ?? DEFAULT_TOMBSTONE_MS;

  const reduce = (state: AlertState, input: AlertInput, now: number): AlertStep => {
    // Copied on the first change only: most points meet no threshold rule.
    let entries: Record<string, AlertEntry> | undefined;
    let removed = state.removed;
    let stopped = state.stopped;
    const notices: AlertNotice[] = [];
    const get = (key: string): AlertEntry | undefined => (entries ?? state.entries)[key];
    const put = (key: string, e: AlertEntry, rule: TunedRule, afterwards?: (e: AlertEntry) => AlertEntry): void => {
      let { entry, notices: told } = advance(e, rule, now);
      notices.push(...told);
      if (afterwards) {
        ({ entry, notices: told } = advance(afterwards(entry), rule, now));
        notices.push(...told);
      }
      const current = get(key);
      if (forgettable(entry, rule, removed, now)) {
        if (current === undefined) return;
        entries ??= { ...state.entries };
        delete entries[key];
        return;
      }
      // Firing from a state saved before entries kept their severity: the rule's, as its notices said.
      const next =
        (entry.phase === 'firing' || entry.phase === 'resolving') && entry.severity === undefined
          ? { ...entry, severity: rule.severity }
          : entry;
      // Most inputs change nothing (a running container's status, a point under its threshold):
      // the state stays the same object, not a copy of every entry per input.
      if (current !== undefined && sameData(current, next)) return;
      entries ??= { ...state.entries };
      entries[key] = next;
    };

    switch (input.kind) {
      case 'point': {
        const rulesOn = thresholds.get(input.point.measurement);
        if (!rulesOn) break;
        const container = containerOfPoint(input.point, input.container);
        if (!container || removed[container.id] !== undefined) break;
        // No point of a container that stopped holds anything until a status says it runs again:
        // the stream's last ones come late, and a cgroup read just after the death (a loaded host)
        // rates the last run's usage over a window that ends after it.
        if (stopped?.[container.id] !== undefined) break;
        const host = input.point.tags.host;
        for (const { rule, selects } of rulesOn) {
          const key = alertKey(rule.name, container.id);
          const before = get(key);
          if (!selects(container)) {
            if (before?.holds) put(key, cleared(before), rule);
            continue;
          }
          const e = before ? { ...before, container } : freshEntry(rule.name, container, now, host);
          const next = afterPoint(e, rule.when as Threshold, input.point, now);
          if (next) put(key, next, rule);
        }
        break;
      }
      case 'status': {
        const { status } = input.record;
        const { container } = status;
        const buried = removed[container.id] !== undefined;
        for (const { rule, selects } of lifecycle) {
          const key = alertKey(rule.name, container.id);
          const before = get(key);
          if (!selects(container)) {
            if (before?.holds) put(key, cleared(before), rule);
            continue;
          }
          const e = before ?? freshEntry(rule.name, container, now, input.host);
          put(
            key,
            afterStatus(e, rule.when as Exclude<Condition, Threshold>, status, now),
            rule,
            buried ? cleared : undefined,
          );
        }
        const ended = status.state === 'exited' || status.state === 'dead';
        // A stop older than the tombstone time has no late points left to keep out: no mark, or a
        // container still listed exited (INCLUDE_STATES) would have one made at each status and
        // forgotten at the next tick, a state change (and a write) every interval.
        const marked = ended && now - stopMs(input.record) < tombstoneMs;
        if (thresholds.size > 0 && marked !== (stopped?.[container.id] !== undefined)) {
          const { [container.id]: _was, ...others } = stopped ?? {};
          stopped = marked ? { ...others, [container.id]: stopMs(input.record) } : others;
        }
        if (ended)
          for (const [key, e] of Object.entries(entries ?? state.entries)) {
            const rule = byName.get(e.rule);
            if (rule?.when.kind === 'threshold' && e.container.id === container.id && e.holds)
              put(key, cleared(e), rule);
          }
        break;
      }
      case 'removed': {
        const { container } = input;
        removed = { ...removed, [container.id]: now };
        if (stopped?.[container.id] !== undefined) {
          const { [container.id]: _was, ...others } = stopped;
          stopped = others;
        }
        entries ??= { ...state.entries };
        for (const [key, e] of Object.entries(entries)) {
          const rule = byName.get(e.rule);
          if (!rule || e.container.id !== container.id) continue;
          if (rule.when.kind !== 'threshold') put(key, cleared(e), rule);
          else if (e.phase === 'firing' || e.phase === 'resolving') {
            notices.push(...resolve(e, rule, now).notices);
            delete entries[key];
          } else delete entries[key];
        }
        // A clean exit then removal (`--rm`, `compose down`) is what was meant: no `gone`.
        for (const { rule, selects } of input.clean ? [] : gone) {
          if (!selects(container)) continue;
          const key = alertKey(rule.name, container.id);
          const e = get(key) ?? freshEntry(rule.name, container, now, input.host);
          put(key, { ...e, holds: true, summary: `${container.name} went away` }, rule, cleared);
        }
        break;
      }
      case 'tick': {
        removed = unexpired(removed, now, tombstoneMs);
        // A stop's mark is for the late points of its run, which come within seconds; kept
        // longer, the marks of containers removed while the daemon was down stayed for ever.
        if (stopped) stopped = unexpired(stopped, now, tombstoneMs);
        for (const [key, e] of Object.entries(state.entries)) {
          const rule = byName.get(e.rule);
          if (!rule) {
            // A rule that is no longer in the rule file (a state saved before the file changed):
            // what it had firing is resolved, or a webhook's channel would show it firing for ever.
            entries ??= { ...state.entries };
            delete entries[key];
            if (e.phase === 'firing' || e.phase === 'resolving')
              notices.push(notice(e, { severity: e.severity ?? 'warning' }, 'resolved', now));
            continue;
          }
          const due = dueOf(e, rule);
          if (due === undefined || due > now) continue;
          const aged = afterTime(e, rule.when, rule.staleMs, now);
          put(key, aged.fired ? { ...aged, fired: firedWithin(aged, rule, now) } : aged, rule);
        }
        break;
      }
    }
    if (!entries && removed === state.removed && stopped === state.stopped) return [state, notices];
    return [{ entries: entries ?? state.entries, removed, ...(stopped && { stopped }) }, notices];
  };

  const nextDue = (state: AlertState): number | undefined => {
    let due = Infinity;
    for (const e of Object.values(state.entries)) {
      const rule = byName.get(e.rule);
      const at = rule ? dueOf(e, rule) : undefined;
      if (at !== undefined && at < due) due = at;
    }
    // The oldest tombstone's end: a tick then forgets it (keeping the saved state small).
    for (const at of [...Object.values(state.removed), ...Object.values(state.stopped ?? {})])
      if (at + tombstoneMs < due) due = at + tombstoneMs;
    return due === Infinity ? undefined : due;
  };

  return { reduce, nextDue };
}

/** The marks (ms, by container id) younger than `maxAgeMs` at `now`; the same object when none is older. */
function unexpired(
  marks: Readonly<Record<string, number>>,
  now: number,
  maxAgeMs: number,
): Readonly<Record<string, number>> {
  const young = Object.entries(marks).filter(([, at]) => now - at < maxAgeMs);
  return young.length === Object.keys(marks).length ? marks : Object.fromEntries(young);
}

/** When a container stopped (ms): its `finishedAt`, else the status's time. */
const stopMs = ({ status, at }: StatusRecord): number => msOfInstant(status.finishedAt ?? at);

/**
 * An entry not worth keeping: inactive, clear, with no restarts or flapping to remember; or
 * done with (inactive or cooling down) once its container went away.
 */
function forgettable(e: AlertEntry, rule: TunedRule, removed: AlertState['removed'], now: number): boolean {
  if (removed[e.container.id] !== undefined) return e.phase === 'inactive' || e.phase === 'cooldown';
  if (e.phase !== 'inactive' || e.holds) return false;
  if (rule.when.kind === 'restarts') return false;
  return firedWithin(e, rule, now).length === 0;
}
