import { type MonoTypeOperatorFunction, defer, tap } from 'rxjs';
import type { AlertDeliveryEvent } from '../../model/alertDelivery.js';
import type { Logger } from '../../model/logger.js';

/**
 * Logs alert delivery without repeating an outage: the first failed POST of an outage (and the
 * first success after it), every batch given up (a lost alert is worth a line each time), and
 * the first overflow of the queue until a POST succeeds. `receiver` is the receiver's
 * description (its origin: a path or query may hold a token); reasons carry answers whose
 * secrets `httpPoster` masked.
 */
export function logAlertDelivery(log: Logger, receiver: string): MonoTypeOperatorFunction<AlertDeliveryEvent> {
  return (events$) =>
    defer(() => {
      let failing = false;
      let overflowing = false;
      return events$.pipe(
        tap((event) => {
          switch (event.type) {
            case 'alerts-retried':
              if (!failing)
                log.warn(
                  { receiver, reason: event.reason, retryInMs: event.delayMs },
                  'sending alerts failed; retrying with backoff',
                );
              failing = true;
              break;
            case 'alerts-sent':
              if (failing) log.info({ receiver }, 'alerts are delivered again');
              failing = false;
              overflowing = false;
              break;
            case 'alerts-dropped':
              if (event.reason !== 'queue_full')
                log.error(
                  { receiver, notices: event.notices, reason: event.reason, answer: event.detail },
                  event.reason === 'rejected'
                    ? 'the alert receiver refused alerts: they are dropped (check the URL, format and token)'
                    : 'alerts dropped after every retry',
                );
              else if (!overflowing)
                log.warn(
                  { receiver, notices: event.notices },
                  'alert queue full while the receiver is failing: dropping the oldest firing alerts',
                );
              if (event.reason === 'queue_full') overflowing = true;
              break;
          }
        }),
      );
    });
}
