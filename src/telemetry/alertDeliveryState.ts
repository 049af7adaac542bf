import { ALERT_DROP_REASONS, type AlertDeliveryEvent, type AlertDropReason } from '../model/alertDelivery.js';

/** What one alert receiver's delivery knows: the fold of its `AlertDeliveryEvent`s. */
export interface AlertDeliveryCounters {
  /** Notices the receiver took. */
  readonly sent: number;
  /** Notices POSTed again after a transient failure (a notice retried twice counts twice). */
  readonly retried: number;
  readonly dropped: number;
  readonly droppedBy: Readonly<Record<AlertDropReason, number>>;
  /** When the last POST succeeded (scheduler time), for health checks. */
  readonly lastSentAt: number | undefined;
  /** Set while POSTs keep failing: the last reason. */
  readonly failing: string | undefined;
}

export const initialAlertDelivery = (): AlertDeliveryCounters => ({
  sent: 0,
  retried: 0,
  dropped: 0,
  droppedBy: Object.fromEntries(ALERT_DROP_REASONS.map((r) => [r, 0])) as Record<AlertDropReason, number>,
  lastSentAt: undefined,
  failing: undefined,
});

/**
 * Each receiver's counters, by its name. A fold of its own, beside `foldTelemetry`, rather than
 * a member of the `TelemetryEvent` union: every switch over that union (the state, the log, the
 * `internal` point, /metrics) would have to learn notices that are not points.
 */
export function foldAlertDelivery(
  state: ReadonlyMap<string, AlertDeliveryCounters>,
  event: AlertDeliveryEvent,
): ReadonlyMap<string, AlertDeliveryCounters> {
  const c = state.get(event.receiver) ?? initialAlertDelivery();
  const next = ((): AlertDeliveryCounters => {
    switch (event.type) {
      case 'alerts-sent':
        return { ...c, sent: c.sent + event.notices, lastSentAt: event.at, failing: undefined };
      case 'alerts-retried':
        return { ...c, retried: c.retried + event.notices, failing: event.reason };
      case 'alerts-dropped':
        return {
          ...c,
          dropped: c.dropped + event.notices,
          droppedBy: { ...c.droppedBy, [event.reason]: c.droppedBy[event.reason] + event.notices },
        };
    }
  })();
  return new Map(state).set(event.receiver, next);
}
