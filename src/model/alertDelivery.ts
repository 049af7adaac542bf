/**
 * Why alert notices were given up: the queue was full (the oldest firing ones go first), the
 * receiver refused them (a 4xx other than 429: sending them again would be refused again), or
 * the retries allowed were spent.
 */
export type AlertDropReason = 'queue_full' | 'rejected' | 'retries_exhausted';
export const ALERT_DROP_REASONS: readonly AlertDropReason[] = ['queue_full', 'rejected', 'retries_exhausted'];

/**
 * What alert delivery tells about its receiver (`receiver`: `alertmanager`, `webhook`), apart
 * from the metrics sinks' `DeliveryEvent`: alerts are notices, not points, and folding them
 * into the points' counters would make both lie. `notices`: how many the POST carried.
 */
export type AlertDeliveryEvent =
  | {
      readonly type: 'alerts-sent';
      readonly receiver: string;
      readonly notices: number;
      readonly latencyMs: number;
      readonly at: number;
    }
  /** A POST failed for a reason worth trying again (5xx, 429, network); the next try is `delayMs` away. */
  | {
      readonly type: 'alerts-retried';
      readonly receiver: string;
      readonly notices: number;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | {
      readonly type: 'alerts-dropped';
      readonly receiver: string;
      readonly notices: number;
      readonly reason: AlertDropReason;
      /** The receiver's answer (secrets masked), where there was one. */
      readonly detail?: string;
    };
