import { EMPTY, type MonoTypeOperatorFunction, type SchedulerLike, retry, timer } from 'rxjs';
import { type BackoffOptions, backoffDelay, defaultBackoff } from './backoff.js';

export interface RetryBackoffOptions extends Partial<BackoffOptions> {
  /** Retries before the error is passed on; default: retry for ever. */
  readonly maxRetries?: number;
  /** Errors for which the source should simply complete (e.g. a 404 for a container that is gone). */
  readonly isFinal?: (error: unknown) => boolean;
  /** Called before each wait, e.g. to log the first failure of an outage. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Resubscribes to the source after an error, waiting an exponential backoff with full jitter.
 * The attempt count resets after a value gets through, so a long-lived stream that fails once
 * a day always waits the shortest delay. Built on RxJS's own `retry` with a delay notifier;
 * a final error completes the output (the notifier completes without emitting).
 *
 * ```
 * source:   --a--#            (resubscribed)  --b--#   (resubscribed) --c--|
 * delays:         |-- rand*1s --|                  |-- rand*1s --|
 * result:   --a----------------------------b---------------------------c--|
 * ```
 */
export function retryBackoff<T>(
  options: RetryBackoffOptions = {},
  scheduler?: SchedulerLike,
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
      if (options.isFinal?.(error)) return EMPTY;
      const delayMs = backoffDelay(attempt, backoff);
      options.onRetry?.(error, attempt, delayMs);
      return timer(delayMs, scheduler);
    },
  });
}
