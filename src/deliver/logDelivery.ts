import { type MonoTypeOperatorFunction, defer, tap } from 'rxjs';
import type { Logger } from '../model/logger.js';
import type { DeliveryEvent, DropReason, SpoolOperation } from '../model/telemetry.js';

/** Why points go, as the log says it (the counter is points_dropped_total{reason}). */
const DROPPING: Record<DropReason, string> = {
  buffer_full: 'buffer full: dropping the oldest points',
  spool_full: 'spool full (MAX_SPOOL_SIZE): dropping the oldest points',
  disk_error: 'the disk refuses the spool and the memory window (MAX_BUFFER_SIZE) is full: dropping the oldest points',
  corrupt: 'spool records damaged on disk since they were written: their points are dropped',
};

const FAULT_MESSAGES: Record<SpoolOperation, string> = {
  append: 'the disk refuses the spool: new points wait in memory (up to MAX_BUFFER_SIZE) until it takes them again',
  sync: 'the disk refuses to make the spool durable (fdatasync): what it may have lost is written again; retried at each SPOOL_SYNC_MS',
  read: 'the disk cannot read the spool back: delivery of spooled points waits and tries again',
};

/**
 * Logs what delivery's events say, without repeating an episode: a rejection each time it
 * happens; the first failed write of an outage (and the first success after it); the first
 * drop of an overflow, by reason (an overflow ends once the buffer is below `maxBytes` again,
 * or the spool's disk takes writes again); the spool's disk faults, once an episode.
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
      const overflowing = new Set<DropReason>();
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
              if (!overflowing.has(event.reason))
                log.warn(
                  { dropped: event.points, reason: event.reason, maxBytes },
                  `${DROPPING[event.reason]} (counted in points_dropped)`,
                );
              overflowing.add(event.reason);
              break;
            case 'buffer-level':
              if (event.bytes < maxBytes) overflowing.clear();
              break;
            case 'spool-fault':
              log.warn({ operation: event.operation, code: event.code }, FAULT_MESSAGES[event.operation]);
              break;
            case 'spool-recovered':
              log.info({ operation: event.operation }, 'the disk takes the spool again');
              overflowing.delete('disk_error');
              break;
          }
        }),
      );
    });
}
