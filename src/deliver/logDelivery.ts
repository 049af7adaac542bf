import { type MonoTypeOperatorFunction, defer, tap } from 'rxjs';
import type { Logger } from '../model/logger.js';
import type { DeliveryEvent } from '../model/telemetry.js';

/**
 * Logs what delivery's events say, without repeating an episode: a rejection each time it
 * happens; the first failed write of an outage (and the first success after it); the first
 * drop of an overflow (an overflow ends once the buffer is below `maxBytes` again).
 *
 * ```
 * events: --F--F--F--W--D--D--L--D--     (F: batch-failed, W: batch-written, D: points-dropped,
 * logged: --e--------i--w--------w--      L: buffer-level below maxBytes)
 * ```
 */
export function logDelivery(log: Logger, sink: string, maxBytes: number): MonoTypeOperatorFunction<DeliveryEvent> {
  return (events$) =>
    defer(() => {
      let failing = false;
      let overflowing = false;
      return events$.pipe(
        tap((event) => {
          switch (event.type) {
            case 'points-rejected':
              log.warn({ sink, points: event.points, reason: event.reason }, 'the database rejected points');
              break;
            case 'batch-failed':
              if (!failing) {
                const hint = event.refused
                  ? ' (check the URL, the bucket or database, and the token or password)'
                  : ' after retries';
                log.error(
                  { sink, reason: event.reason },
                  `writing to the database failed${hint}; points are kept and retried at each flush`,
                );
              }
              failing = true;
              break;
            case 'batch-written':
              if (failing) log.info({ sink }, 'writes to the database succeed again');
              failing = false;
              break;
            case 'points-dropped':
              if (!overflowing)
                log.warn(
                  { dropped: event.points, maxBufferSize: maxBytes },
                  'buffer full: dropping the oldest points (counted in points_dropped)',
                );
              overflowing = true;
              break;
            case 'buffer-level':
              if (event.bytes < maxBytes) overflowing = false;
              break;
          }
        }),
      );
    });
}
