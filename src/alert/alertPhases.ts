import type { AlertRule } from '../config/alertRule.js';
import type { AlertNotice } from '../model/alert.js';
import type { AlertEntry } from './alertState.js';

/** One entry after time `now`, and what it tells. */
export interface Advanced {
  readonly entry: AlertEntry;
  readonly notices: readonly AlertNotice[];
}

const notice = (e: AlertEntry, rule: AlertRule, status: AlertNotice['status'], now: number): AlertNotice => ({
  rule: e.rule,
  status,
  severity: rule.severity,
  container: e.container,
  summary: status === 'resolved' ? `resolved: ${e.summary ?? e.rule}` : (e.summary ?? e.rule),
  ...(e.value !== undefined && { value: e.value }),
  startsAt: e.since,
  ...(status === 'resolved' && { endsAt: now }),
  ...(e.host !== undefined && { host: e.host }),
});

const without = (e: AlertEntry, ...keys: ('notifiedAt' | 'clearedAt' | 'resolvedAt')[]): AlertEntry => {
  const copy: Record<string, unknown> = { ...e };
  for (const k of keys) delete copy[k];
  return copy as AlertEntry;
};

/** The resolved notice, then cooldown (or inactive with none). */
export function resolve(e: AlertEntry, rule: AlertRule, now: number): Advanced {
  const told = notice(e, rule, 'resolved', now);
  const rest = without(e, 'notifiedAt', 'clearedAt');
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
 * So a condition that flaps is told at most once firing and once resolved per
 * `for + keep_firing_for + cooldown`, whatever its rate.
 */
export function advance(start: AlertEntry, rule: AlertRule, now: number): Advanced {
  let e = start;
  const notices: AlertNotice[] = [];
  // At most inactive -> pending -> firing, or cooldown -> inactive -> pending -> firing, at one instant.
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
      e = { ...e, phase: 'firing', notifiedAt: now };
      notices.push(notice(e, rule, 'firing', now));
      break;
    } else if (e.phase === 'cooldown') {
      if (e.resolvedAt !== undefined && now - e.resolvedAt < rule.cooldownMs) break;
      e = { ...without(e, 'resolvedAt'), phase: 'inactive' };
    } else {
      // firing or resolving
      if (e.holds && e.phase === 'resolving') e = { ...without(e, 'clearedAt'), phase: 'firing' };
      if (!e.holds && e.phase === 'firing') e = { ...e, phase: 'resolving', clearedAt: now };
      if (e.phase === 'resolving' && now - (e.clearedAt ?? now) >= rule.keepFiringForMs) {
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
export function dueOf(e: AlertEntry, rule: AlertRule): number | undefined {
  const times: number[] = [];
  if (e.phase === 'pending') times.push(e.since + rule.forMs);
  if ((e.phase === 'firing' || e.phase === 'resolving') && rule.repeatMs > 0 && e.notifiedAt !== undefined)
    times.push(e.notifiedAt + rule.repeatMs);
  if (e.phase === 'resolving' && e.clearedAt !== undefined) times.push(e.clearedAt + rule.keepFiringForMs);
  if (e.phase === 'cooldown' && e.resolvedAt !== undefined) times.push(e.resolvedAt + rule.cooldownMs);
  if (rule.when.kind === 'restarts' && e.restarts?.[0] !== undefined) times.push(e.restarts[0] + rule.when.withinMs);
  return times.length > 0 ? Math.min(...times) : undefined;
}
