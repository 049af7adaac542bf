import {
  EMPTY,
  type MonoTypeOperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  retry,
  throwError,
  timer,
} from 'rxjs';
import { type BackoffOptions, backoffDelay, defaultBackoff } from './backoff.js';

/** What to do after an error: try again, end quietly (a 404 for a container that is gone), or pass it on. */
export type RetryVerdict = 'retry' | 'complete' | 'fail';

/** Why and when a retry happens, for logs and telemetry. */
export interface RetryNotice {
  readonly error: unknown;
  readonly attempt: number;
  readonly delayMs: number;
}

export interface RetryBackoffOptions extends Partial<BackoffOptions> {
  /** Retries before the error is passed on; default: retry for ever. */
  readonly maxRetries?: number;
  /** Default: retry every error. */
  readonly classify?: (error: unknown) => RetryVerdict;
  /** The least the error itself asks to wait (e.g. a server's Retry-After), given the scheduler's now. */
  readonly minDelayMs?: (error: unknown, nowMs: number) => number | undefined;
  /** Told before each wait, e.g. to log the first failure of an outage. */
  readonly onRetry?: (notice: RetryNotice) => void;
}

/** A wait the server asks for beyond this is shortened to it: a broken header must not stall delivery. */
export const MAX_MIN_DELAY_MS = 10 * 60_000;

/**
 * Resubscribes to the source after an error, waiting an exponential backoff with full jitter
 * (or longer, when `minDelayMs` asks), as `classify` decides: `retry`, `complete` (the output
 * completes), or `fail` (the error passes on, as it does once `maxRetries` are spent). The
 * attempt count resets after a value gets through, so a long-lived stream that fails once a day
 * always waits the shortest delay. RxJS's own `retry` with a delay notifier.
 *
 * ```
 * source:   --a--#            (resubscribed)  --b--#   (resubscribed) --c--|
 * delays:         |-- rand*1s --|                  |-- rand*1s --|
 * result:   --a----------------------------b---------------------------c--|
 * ```
 */
export function retryBackoff<T>(
  options: RetryBackoffOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  const backoff: BackoffOptions = {
    baseMs: options.baseMs ?? defaultBackoff.baseMs,
    maxMs: options.maxMs ?? defaultBackoff.maxMs,
    ...(options.random ? { random: options.random } : {}),
  };
  return retry<T>({
    count: options.maxRetries ?? Infinity,
    resetOnSuccess: true,
    delay: (error: unknown, attempt: number) => {
      const verdict = options.classify?.(error) ?? 'retry';
      if (verdict === 'complete') return EMPTY;
      if (verdict === 'fail') return throwError(() => error);
      const least = options.minDelayMs?.(error, scheduler.now());
      const ours = backoffDelay(attempt, backoff);
      const delayMs = least === undefined ? ours : Math.max(ours, Math.min(least, MAX_MIN_DELAY_MS));
      options.onRetry?.({ error, attempt, delayMs });
      return timer(delayMs, scheduler);
    },
  });
}

/** HTTP status of an error from dockerode or the InfluxDB client, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
