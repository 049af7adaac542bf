import { type Either, isLeft, right } from 'fp-ts/lib/Either.js';
import { type AlertRule, alertRule } from './alertRule.js';
import { loadAlertRules } from './alertRules.js';
import type { ConfigError } from './resolveConfig.js';

/**
 * The rules on when a receiver is set (ALERT_WEBHOOK_URL or ALERTMANAGER_URL), written as a rule
 * file would write them and decoded by the same codec. `keep_firing_for` on the lifecycle rules
 * keeps a crash loop one alert: the exit of each loop does not resolve and fire again.
 */
export const DEFAULT_ALERT_RULE_SPECS = [
  { name: 'exited', when: 'exited', keep_firing_for: '5m', severity: 'warning' },
  { name: 'oom_killed', when: 'oom_killed', keep_firing_for: '5m', severity: 'critical' },
  { name: 'unhealthy', when: 'unhealthy', keep_firing_for: '1m', severity: 'warning' },
  { name: 'restart_loop', when: 'restarts 3 in 10m', severity: 'critical' },
  { name: 'gone', when: 'gone', severity: 'warning' },
] as const;

export const DEFAULT_ALERT_RULES: readonly AlertRule[] = DEFAULT_ALERT_RULE_SPECS.map((spec) => {
  const decoded = alertRule.decode(spec);
  if (isLeft(decoded)) throw new Error(`default alert rule ${spec.name} does not decode`);
  return decoded.right;
});

/**
 * The rules in force: the defaults, each replaced by the file's rule of the same name (in its
 * place), then the file's other rules; a rule with `enabled: false` is left out (so a file turns
 * a default off by naming it with `enabled: false`).
 */
export function withDefaultRules(
  fileRules: readonly AlertRule[],
  defaults: readonly AlertRule[] = DEFAULT_ALERT_RULES,
): readonly AlertRule[] {
  const byName = new Map(fileRules.map((r) => [r.name, r]));
  const names = new Set(defaults.map((r) => r.name));
  return [...defaults.map((r) => byName.get(r.name) ?? r), ...fileRules.filter((r) => !names.has(r.name))].filter(
    (r) => r.enabled,
  );
}

/**
 * The rules in force from the configuration: with a receiver (ALERT_WEBHOOK_URL or
 * ALERTMANAGER_URL) the defaults, with the rule file's (ALERT_RULES) added or replacing them by
 * name; without one, only the file's (their alerts are still written and shown), none without a file.
 */
export function alertRulesInForce(settings: {
  readonly receiver: boolean;
  readonly rulesFile?: string;
}): Either<ConfigError, readonly AlertRule[]> {
  const fromFile = settings.rulesFile === undefined ? right([]) : loadAlertRules(settings.rulesFile);
  if (isLeft(fromFile)) return fromFile;
  return right(settings.receiver ? withDefaultRules(fromFile.right) : fromFile.right.filter((r) => r.enabled));
}
