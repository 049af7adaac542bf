import {
  EMPTY,
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  Subject,
  asyncScheduler,
  catchError,
  connect,
  defer,
  exhaustMap,
  expand,
  finalize,
  map,
  merge,
  mergeAll,
  of,
} from 'rxjs';
import type { AlertNotice } from '../../model/alert.js';
import type { AlertDeliveryEvent } from '../../model/alertDelivery.js';
import { silentLogger, type Logger } from '../../model/logger.js';
import { type RetryBackoffOptions, retryBackoff } from '../../rx/retryBackoff.js';
import { retryAfterMs, serverMessage, writeRetryVerdict } from '../writeFailure.js';
import type { AlertReceiver } from './alertReceiver.js';
import { AlertQueue } from './alertQueue.js';
import { batchNotices } from './batchNotices.js';
import { logAlertDelivery } from './logAlertDelivery.js';

export interface SendAlertsOptions {
  /** How long notices gather into one POST after the first; default 500 ms. */
  readonly windowMs?: number;
  /** Notices per POST at most; default 64. */
  readonly maxBatch?: number;
  /** Notices waiting at most (the receiver down); default 1000. */
  readonly maxQueue?: number;
  /**
   * The queue, when the caller keeps it: what it holds at subscription (a stop's leftovers) is
   * sent first, and what it holds at any time is what a stop would leave (saved for the next start).
   */
  readonly queue?: AlertQueue;
  /** Backoff of a failing POST; retries for ever by default (the queue bounds what waits). */
  readonly retry?: Omit<RetryBackoffOptions, 'classify' | 'minDelayMs' | 'onRetry'>;
  readonly log?: Logger;
}

/**
 * Deliver alert notices to one receiver: each notice goes into a bounded queue (`AlertQueue`)
 * as it arrives, and from there to the receiver, one POST in flight, oldest first; a POST waits
 * for the notices that arrive together (`batchNotices`). A POST is retried as `retryBackoff`
 * allows on 5xx, 429 (Retry-After honoured) and network errors; each try sends what the queue
 * holds then, so a notice that arrived meanwhile replaces its episode's older one. Any other
 * 4xx drops the batch (sending it again would be refused again). Taking a notice is synchronous
 * and never waits for the receiver: a receiver that hangs delays only its own notices (until
 * the poster's timeout), never the caller, and the queue's bound keeps its memory. Emits what
 * happened, and logs it (`logAlertDelivery`).
 *
 * ```
 * notices: -a-b--------c-------|
 * posts:     ----[ab#~~retry~~ab]--[c]
 * result:  ------r-----------S----S|      (r: alerts-retried, S: alerts-sent)
 * ```
 */
export function sendAlerts(
  receiver: AlertReceiver,
  options: SendAlertsOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<AlertNotice, AlertDeliveryEvent> {
  const maxBatch = options.maxBatch ?? 64;
  const name = receiver.name;
  return (notices$) =>
    defer(() => {
      const queue = options.queue ?? new AlertQueue(options.maxQueue ?? 1000);
      // Retries are told as they happen, not when the POST finally ends.
      const told = new Subject<AlertDeliveryEvent>();

      // One batch from the front of the queue, retried, ending in one event (never an error).
      const sendBatch = (): Observable<AlertDeliveryEvent> =>
        defer(() => {
          let batch: AlertNotice[] = [];
          let started = scheduler.now();
          const post$ = defer(() => {
            batch = queue.peek(maxBatch);
            started = scheduler.now();
            // nothing left to send (what this try was for went over the queue's bound)
            return batch.length > 0 ? receiver.send(batch) : of(undefined);
          });
          const retry: RetryBackoffOptions = {
            ...options.retry,
            classify: writeRetryVerdict,
            minDelayMs: retryAfterMs,
            onRetry: ({ attempt, delayMs, error }) =>
              told.next({
                type: 'alerts-retried',
                receiver: name,
                notices: batch.length,
                attempt,
                delayMs,
                reason: serverMessage(error),
              }),
          };
          return post$.pipe(
            retryBackoff(retry, scheduler),
            map((): AlertDeliveryEvent => {
              // settled before it is told: the drain looks at the queue when it hears of it
              queue.settle(batch);
              return {
                type: 'alerts-sent',
                receiver: name,
                notices: batch.length,
                latencyMs: scheduler.now() - started,
                at: scheduler.now(),
              };
            }),
            catchError((error: unknown) => {
              queue.settle(batch);
              return of<AlertDeliveryEvent>({
                type: 'alerts-dropped',
                receiver: name,
                notices: batch.length,
                reason: writeRetryVerdict(error) === 'retry' ? 'retries_exhausted' : 'rejected',
                detail: serverMessage(error),
              });
            }),
          );
        });
      // Batch after batch until the queue is empty; what arrives meanwhile is in the queue.
      const more = (): Observable<AlertDeliveryEvent> => (queue.size > 0 ? sendBatch() : EMPTY);
      const drain = (): Observable<AlertDeliveryEvent> => more().pipe(expand(more));

      const accept = (notice: AlertNotice): AlertDeliveryEvent[] => {
        const dropped = queue.push([notice]);
        return dropped > 0 ? [{ type: 'alerts-dropped', receiver: name, notices: dropped, reason: 'queue_full' }] : [];
      };
      // What a caller's queue holds already (a stop's leftovers) goes at once.
      const leftovers$ = queue.size > 0 ? of(true) : EMPTY;
      const delivered$ = notices$.pipe(
        map(accept),
        // the drops are told at once; a drain already running takes the new notices in turn
        connect((accepted$) =>
          merge(
            accepted$.pipe(mergeAll()),
            merge(leftovers$, accepted$.pipe(batchNotices(options.windowMs ?? 500, scheduler))).pipe(exhaustMap(drain)),
          ),
        ),
        finalize(() => told.complete()),
      );
      return merge(told, delivered$);
    }).pipe(logAlertDelivery(options.log ?? silentLogger, receiver.description));
}
