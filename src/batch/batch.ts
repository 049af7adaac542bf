import { Observable, type OperatorFunction, type SchedulerLike, type Subscription, asyncScheduler } from 'rxjs';
import type { FlushReason } from '../model/telemetry.js';

/** What `batch` emits: the items that were waiting, and why they went. */
export interface Batch<T> {
  readonly items: readonly T[];
  readonly reason: FlushReason;
}

/** Where a batch's items wait: `batch` keeps an array; `batchLines` writes lines into bytes. */
export interface Gatherer<T, B> {
  /** Adds an item; returns how many are waiting. */
  add(item: T): number;
  /** Takes what is waiting (called only when something is) and starts over. */
  take(): B;
}

const arrayGatherer = <T>(): Gatherer<T, readonly T[]> => {
  let items: T[] = [];
  return {
    add: (item) => items.push(item),
    take: () => {
      const out = items;
      items = [];
      return out;
    },
  };
};

/** The design's batch settings: 1000 points or 10 s, whichever comes first; at most 10,000 points. */
export const DEFAULT_BATCH_SIZE = 1000;
export const DEFAULT_FLUSH_INTERVAL_MS = 10_000;
export const MAX_BATCH_SIZE = 10_000;

export interface BatchOptions {
  /** Points that make a batch; default 1000, at most `maxBatchSize`. */
  readonly size?: number;
  /** Longest wait after a batch's first point, ms; default 10000. */
  readonly intervalMs?: number;
  /** Each emission flushes what is waiting (manual flush, e.g. SIGUSR1 or shutdown). */
  readonly flush$?: Observable<unknown>;
  /** Largest `size` allowed; default 10000. */
  readonly maxBatchSize?: number;
}

/** Checks batch settings, naming what is wrong; returns the size and interval to use. */
export function batchSettings(options: BatchOptions): { size: number; intervalMs: number } {
  const size = options.size ?? DEFAULT_BATCH_SIZE;
  const intervalMs = options.intervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const max = options.maxBatchSize ?? MAX_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`batch size must be a whole number of at least 1, got ${size}`);
  if (size > max) throw new RangeError(`batch size ${size} exceeds maxBatchSize ${max}`);
  if (!(intervalMs > 0)) throw new RangeError(`flush interval must be more than 0 ms, got ${intervalMs}`);
  return { size, intervalMs };
}

/**
 * Size + time + manual batching: emits the waiting items when `size` of them wait, `intervalMs`
 * after the first item of the batch, or when `flush$` emits; never an empty batch; the timer
 * restarts with the next batch's first item. On completion it emits what remains; on error too,
 * before the error, so that nothing accepted is lost.
 *
 * Why not `bufferTime(intervalMs, null, size)`: its windows run from the previous emission
 * whether or not anything arrived (a lone point can wait anything from 0 to intervalMs), it
 * emits empty buffers, and it takes no manual-flush notifier; `buffer(flush$)` alone has no
 * size or time. Combining them would need two buffers that never agree on what is waiting.
 *
 * ```
 * batch({ size: 3, intervalMs: 50 })
 * source:  -a-b-c-----d---------------e-|
 * flush$:  ---------------------------------
 * result:  -----x-----(50ms later)y----------(z|)    x: [a,b,c] size, y: [d] time, z: [e] final
 * ```
 */
export function batch<T>(
  options: BatchOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, Batch<T>> {
  return gatherBatches(arrayGatherer<T>, (items, reason) => ({ items, reason }), options, scheduler);
}

/**
 * `batch`, with the waiting items kept by a `Gatherer` made per subscription, and each batch
 * sealed by `seal` with the reason it went.
 */
export function gatherBatches<T, B, O>(
  gatherer: () => Gatherer<T, B>,
  seal: (taken: B, reason: FlushReason) => O,
  options: BatchOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, O> {
  const { size, intervalMs } = batchSettings(options);
  return (source) =>
    new Observable<O>((subscriber) => {
      const waiting = gatherer();
      let count = 0;
      let timer: Subscription | undefined;
      const emit = (reason: FlushReason): void => {
        timer?.unsubscribe();
        timer = undefined;
        if (count === 0) return;
        count = 0;
        subscriber.next(seal(waiting.take(), reason));
      };
      const flushing = options.flush$?.subscribe(() => emit('manual'));
      const upstream = source.subscribe({
        next: (item) => {
          count = waiting.add(item);
          if (count === 1) timer = scheduler.schedule(() => emit('time'), intervalMs);
          if (count >= size) emit('size');
        },
        error: (error: unknown) => {
          emit('final');
          subscriber.error(error);
        },
        complete: () => {
          emit('final');
          subscriber.complete();
        },
      });
      return () => {
        upstream.unsubscribe();
        flushing?.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
