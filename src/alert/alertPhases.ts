import type { AlertRule } from '../config/alertRule.js';
import type { AlertNotice } from '../model/alert.js';
import type { AlertEntry } from './alertState.js';

/** A rule with the evaluator's options folded in: the timings the phases read. */
export interface TunedRule extends AlertRule {
  /** Starting to fire this many times within `flapWindowMs` is flapping. */
  readonly flapCount: number;
  readonly flapWindowMs: number;
  /** Threshold rules: a series with no point for this long no longer holds. */
  readonly staleMs: number;
}

/** One entry after time `now`, and what it tells. */
export interface Advanced {
  readonly entry: AlertEntry;
  readonly notices: readonly AlertNotice[];
}

/**
 * A notice of an entry, with the severity it fired with (a label: another one is another alert
 * to Alertmanager), else `rule`'s (a state saved before entries kept it).
 */
export const notice = (
  e: AlertEntry,
  rule: Pick<AlertRule, 'severity'>,
  status: AlertNotice['status'],
  now: number,
): AlertNotice => ({
  rule: e.rule,
  status,
  severity: e.severity ?? rule.severity,
  container: e.container,
  summary: status === 'resolved' ? `resolved: ${e.summary ?? e.rule}` : (e.summary ?? e.rule),
  ...(e.value !== undefined && { value: e.value }),
  startsAt: e.since,
  ...(status === 'resolved' && { endsAt: now }),
  ...(e.host !== undefined && { host: e.host }),
});

const without = (e: AlertEntry, ...keys: (keyof AlertEntry)[]): AlertEntry => {
  const copy: Record<string, unknown> = { ...e };
  for (const k of keys) delete copy[k];
  return copy as AlertEntry;
};

/** The starts of firing still within the flapping window at `now`. */
export const firedWithin = (e: AlertEntry, rule: TunedRule, now: number): readonly number[] =>
  (e.fired ?? []).filter((at) => now - at < rule.flapWindowMs);

/** How long a clear alert goes on firing: `keep_firing_for`, or the flapping window for a flapping one. */
const keepMs = (e: AlertEntry, rule: TunedRule): number =>
  e.flapping ? Math.max(rule.keepFiringForMs, rule.flapWindowMs) : rule.keepFiringForMs;

/** The resolved notice, then cooldown (or inactive with none). */
export function resolve(e: AlertEntry, rule: AlertRule, now: number): Advanced {
  const told = notice(e, rule, 'resolved', now);
  // The next episode fires with the rule's severity then.
  const rest = without(e, 'notifiedAt', 'clearedAt', 'flapping', 'severity');
  return {
    entry: rule.cooldownMs > 0 ? { ...rest, phase: 'cooldown', resolvedAt: now } : { ...rest, phase: 'inactive' },
    notices: [told],
  };
}

const repeated = (e: AlertEntry, rule: AlertRule, now: number): Advanced =>
  rule.repeatMs > 0 && e.notifiedAt !== undefined && now - e.notifiedAt >= rule.repeatMs
    ? { entry: { ...e, notifiedAt: now }, notices: [notice(e, rule, 'firing', now)] }
    : { entry: e, notices: [] };

/**
 * The alert's phases at `now`, given whether its condition holds (`entry.holds`):
 *
 * - inactive -> pending when it holds (`since` = now);
 * - pending -> firing once it has held for `for` (a firing notice, startsAt = since); back to
 *   inactive if it stops holding first;
 * - firing: told again every `repeat_interval`; clear -> resolving;
 * - resolving: holding again is the same alert, firing on (no notice); clear for
 *   `keep_firing_for` -> resolved (a resolved notice), then cooldown;
 * - cooldown: for `cooldown` nothing fires; then inactive, so a condition that holds then
 *   must hold for `for` again.
 *
 * Flapping: an alert that started firing `flapCount` times within `flapWindowMs` is flapping;
 * when it next goes clear it is held firing (resolving) for the whole flapping window instead of
 * `keep_firing_for`, so a condition that flips on and off stays one alert, told again only at
 * its repeat interval, until it has been quiet for the window.
 */
export function advance(start: AlertEntry, rule: TunedRule, now: number): Advanced {
  let e = start;
  const notices: AlertNotice[] = [];
  // At most cooldown -> inactive -> pending -> firing at one instant.
  for (let step = 0; step < 4; step++) {
    if (e.phase === 'inactive') {
      if (!e.holds) break;
      e = { ...e, phase: 'pending', since: now };
    } else if (e.phase === 'pending') {
      if (!e.holds) {
        e = { ...e, phase: 'inactive' };
        break;
      }
      if (now - e.since < rule.forMs) break;
      const fired = [...firedWithin(e, rule, now), now];
      e = { ...e, phase: 'firing', notifiedAt: now, fired, severity: rule.severity };
      notices.push(notice(e, rule, 'firing', now));
      break;
    } else if (e.phase === 'cooldown') {
      if (e.resolvedAt !== undefined && now - e.resolvedAt < rule.cooldownMs) break;
      e = { ...without(e, 'resolvedAt'), phase: 'inactive' };
    } else {
      // firing or resolving
      if (e.holds && e.phase === 'resolving') e = { ...without(e, 'clearedAt', 'flapping'), phase: 'firing' };
      if (!e.holds && e.phase === 'firing') {
        const flapping = firedWithin(e, rule, now).length >= rule.flapCount;
        e = { ...e, phase: 'resolving', clearedAt: now, ...(flapping && { flapping }) };
      }
      if (e.phase === 'resolving' && now - (e.clearedAt ?? now) >= keepMs(e, rule)) {
        const resolved = resolve(e, rule, now);
        notices.push(...resolved.notices);
        e = resolved.entry;
        break;
      }
      const again = repeated(e, rule, now);
      notices.push(...again.notices);
      e = again.entry;
      break;
    }
  }
  return { entry: e, notices };
}

/** When this entry next changes with time alone (ms), if it does. */
export function dueOf(e: AlertEntry, rule: TunedRule): number | undefined {
  let due = Infinity;
  const at = (time: number | undefined): void => {
    if (time !== undefined && time < due) due = time;
  };
  if (e.phase === 'pending') at(e.since + rule.forMs);
  if ((e.phase === 'firing' || e.phase === 'resolving') && rule.repeatMs > 0 && e.notifiedAt !== undefined)
    at(e.notifiedAt + rule.repeatMs);
  if (e.phase === 'resolving' && e.clearedAt !== undefined) at(e.clearedAt + keepMs(e, rule));
  if (e.phase === 'cooldown' && e.resolvedAt !== undefined) at(e.resolvedAt + rule.cooldownMs);
  if (rule.when.kind === 'restarts' && e.restarts?.[0] !== undefined) at(e.restarts[0] + rule.when.withinMs);
  // An inactive entry kept for its flapping history: dropped once that leaves the window.
  if (e.phase === 'inactive' && e.fired?.[0] !== undefined) at(e.fired[0] + rule.flapWindowMs);
  if (rule.when.kind === 'threshold' && e.holds && e.seenAt !== undefined) at(e.seenAt + rule.staleMs);
  return due === Infinity ? undefined : due;
}
