import { type MonoTypeOperatorFunction, type SchedulerLike, filter } from 'rxjs';
import { type Alerting, openAlerting } from '../app/alerting.js';
import type { AlertRule } from '../config/alertRule.js';
import type { Config } from '../config/keys.js';
import type { Logger } from '../model/logger.js';
import type { Point } from '../model/point.js';
import type { TelemetrySink } from '../model/telemetry.js';
import { type DaemonAlerts, bySeverity } from '../view/firingAlerts.js';

/** The rules `top` evaluates itself, without a daemon: the points in, the rows' alerts out. */
export interface OwnAlerts {
  readonly inputs: Alerting['inputs'];
  /** The points on, without the `alert` points (no row is made of them). */
  readonly wire: MonoTypeOperatorFunction<Point>;
  /** The alerts firing now, most severe first, as a daemon's /metrics would say them. */
  firing(): DaemonAlerts;
  close(): void;
}

/**
 * The rules in force (`alertRulesOf`), evaluated in `top`'s own process from when it started:
 * nothing is sent (no receiver) and nothing is read or written beside a spool (no state file),
 * so a daemon's alerts and state are never touched. Undefined when no rule is in force.
 */
export function ownAlerts(
  config: Config,
  rules: readonly AlertRule[],
  deps: { readonly log: Logger; readonly scheduler: SchedulerLike; readonly telemetry: TelemetrySink },
): OwnAlerts | undefined {
  const quiet: Config = { ...config, spoolDir: undefined, alertmanagerUrl: undefined, alertWebhookUrl: undefined };
  const alerting = rules.length > 0 ? openAlerting(quiet, deps, rules) : undefined;
  if (!alerting) return undefined;
  return {
    inputs: alerting.inputs,
    wire: (points$) =>
      points$.pipe(
        alerting.wire,
        filter((p) => p.measurement !== 'alert'),
      ),
    firing: () => ({
      firing: [...alerting.state().firing.values()]
        .map((n) => ({ rule: n.rule, severity: n.severity, container: n.container.name, containerId: n.container.id }))
        .sort(bySeverity),
    }),
    close: () => alerting.close(),
  };
}
