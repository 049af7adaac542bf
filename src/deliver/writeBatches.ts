import {
  EMPTY,
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  catchError,
  concatMap,
  concatWith,
  connect,
  defer,
  endWith,
  exhaustMap,
  expand,
  ignoreElements,
  map,
  merge,
  mergeAll,
  of,
  takeUntil,
} from 'rxjs';
import type { ChunkBatch } from '../model/chunk.js';
import { type Logger, silentLogger } from '../model/logger.js';
import type { DeliveryEvent } from '../model/telemetry.js';
import { type RetryBackoffOptions, retryBackoff } from '../rx/retryBackoff.js';
import { type DeliveryStep, type Job, type WriteOutcome, deliveryStep, startDelivery } from './deliveryPolicy.js';
import { logDelivery } from './logDelivery.js';
import type { DeliveryBuffer } from './deliveryBuffer.js';
import type { LineSink } from './sink.js';
import { retryAfterMs, writeRetryVerdict } from './writeFailure.js';

/** A step of the drain: `taken`, the first of a chunk just taken; `idle`, the buffer is empty. */
type Step = DeliveryStep & { readonly taken?: true; readonly idle?: true };

/** Write retries by default, and the most allowed. */
export const DEFAULT_MAX_RETRIES = 3;
export const MAX_RETRIES_LIMIT = 5;

export interface WriteBatchesOptions {
  readonly buffer: DeliveryBuffer;
  /** Backoff of a failing write; `maxRetries` default 3, at most 5. */
  readonly retry?: Omit<RetryBackoffOptions, 'classify' | 'minDelayMs' | 'onRetry'>;
  /** Manual flush (SIGUSR1, shutdown): also retries what is waiting in the buffer now. */
  readonly flush$?: Observable<unknown>;
  readonly log?: Logger;
}

/**
 * Deliver: batches (chunks of line protocol, from `batchLines`) into the bounded buffer, and from
 * there to the sink, one write in flight, oldest first, each write retried as `retryBackoff`
 * allows. What happens to a batch after its write ends is `deliveryStep`'s decision (written,
 * split, rejected, put back); this operator is its driver: it takes chunks from the buffer,
 * writes them, and puts back what the policy hands back. It emits what happened as events.
 * A drain stops at a chunk put back, until the next batch or `flush$`; on completion it drains
 * once more.
 *
 * ```
 * batches: --b1------b2--------b3----|
 * writes:    [w1]    [w2#~~retry~~w2][w3]
 * result:  --aW------a---------W-a---W|     (a: batch-accepted, W: batch-written, and buffer levels)
 * ```
 */
export function writeBatches(
  sink: LineSink,
  options: WriteBatchesOptions,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<ChunkBatch, DeliveryEvent> {
  const { buffer } = options;
  const maxRetries = Math.min(options.retry?.maxRetries ?? DEFAULT_MAX_RETRIES, MAX_RETRIES_LIMIT);
  // Points taken from the buffer and not settled yet (being written): told with each level.
  let inFlight = 0;
  const level = (): DeliveryEvent => ({ type: 'buffer-level', points: buffer.points, bytes: buffer.bytes, inFlight });

  // One write of a job, with its retries, ending in one outcome (never an error).
  const attempt = (job: Job): Observable<WriteOutcome> =>
    defer(() => {
      let retries = 0;
      let started = scheduler.now();
      const onRetry = (): void => void retries++;
      const ended = (): { latencyMs: number; at: number } => ({
        latencyMs: scheduler.now() - started,
        at: scheduler.now(),
      });
      const write$ = defer(() => {
        started = scheduler.now();
        return sink.write(job.chunk).pipe(map(ended));
      });
      const retry = { ...options.retry, maxRetries, classify: writeRetryVerdict, minDelayMs: retryAfterMs, onRetry };
      return write$.pipe(
        retryBackoff(retry, scheduler),
        map((written): WriteOutcome => ({ kind: 'written', ...written, retries })),
        // a partial write is a write too: its time counts
        catchError((error: unknown) => of<WriteOutcome>({ kind: 'failed', error, retries, ...ended() })),
      );
    });

  // The effects of a step: put back what the policy hands back, and tell what the buffer did.
  const apply = (step: Step): readonly DeliveryEvent[] => {
    if (step.putBack) {
      buffer.unshift(step.putBack);
      inFlight = 0;
      return [...step.events, ...buffer.takeEvents(), level()];
    }
    // A chunk just taken from the buffer, or a job settled, changed the level.
    const pending = step.queue.reduce((n, job) => n + job.chunk.points, 0);
    if (!step.taken && pending === inFlight) return step.events;
    inFlight = pending;
    return [...step.events, level()];
  };

  // Chunk after chunk, job after job, until the buffer is empty or a chunk goes back.
  const next = (step: Step): Observable<Step> => {
    if (step.putBack || step.idle) return EMPTY;
    const job = step.queue[0];
    if (job) return attempt(job).pipe(map((outcome) => deliveryStep(step.queue, outcome, sink.gzip)));
    buffer.done(); // what was taken last is written or rejected: a spool lets it go now
    const chunk = buffer.shift();
    const events = buffer.takeEvents();
    if (chunk) return of({ ...startDelivery(chunk), events, taken: true });
    return events.length > 0 ? of({ queue: [], events, idle: true }) : EMPTY;
  };
  const drain = (): Observable<DeliveryEvent> =>
    of<Step>({ queue: [], events: [] }).pipe(expand(next), concatMap(apply));

  const accept = ({ chunk, reason }: ChunkBatch): DeliveryEvent[] => {
    buffer.push(chunk);
    return [{ type: 'batch-accepted', reason, points: chunk.points }, ...buffer.takeEvents(), level()];
  };

  return (batches$) =>
    batches$.pipe(
      map(accept),
      connect((accepted$) => {
        const done$ = accepted$.pipe(ignoreElements(), endWith(true));
        const triggers$ = merge(accepted$, options.flush$?.pipe(takeUntil(done$)) ?? EMPTY);
        return merge(
          accepted$.pipe(mergeAll()),
          // once the batches end, one last drain for what the last trigger's drain left behind
          triggers$.pipe(exhaustMap(drain), concatWith(defer(drain))),
        );
      }),
      logDelivery(options.log ?? silentLogger, sink.description, buffer.maxBytes),
    );
}
