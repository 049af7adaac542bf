import { type AlertNotice, alertKey } from '../model/alert.js';
import type { AlertDeliveryCounters } from './alertDeliveryState.js';

/**
 * The alerts firing now, by `alertKey` (rule and container): the fold of the notices. A firing
 * notice adds (or refreshes) its alert, a resolved one removes it. For /metrics'
 * `dss_alerts_firing` and `top`'s header, which read it from there.
 */
export function foldFiring(
  firing: ReadonlyMap<string, AlertNotice>,
  notice: AlertNotice,
): ReadonlyMap<string, AlertNotice> {
  const key = alertKey(notice.rule, notice.container.id);
  const next = new Map(firing);
  if (notice.status === 'firing') next.set(key, notice);
  else next.delete(key);
  return next;
}

/** What alerting tells /metrics: the alerts firing, and each receiver's delivery counters. */
export interface AlertTelemetry {
  readonly firing: ReadonlyMap<string, AlertNotice>;
  readonly delivery: ReadonlyMap<string, AlertDeliveryCounters>;
  /** The receivers configured (their counters show 0 before their first notice). */
  readonly receivers: readonly string[];
}
