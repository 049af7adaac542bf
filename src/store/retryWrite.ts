import { type MonoTypeOperatorFunction, type SchedulerLike, asyncScheduler, retry, throwError, timer } from 'rxjs';
import { type BackoffOptions, defaultBackoff } from '../rx/backoff.js';
import { classifyWriteFailure, writeRetryDelay } from './writeFailure.js';

/** The seed's settings: 3 retries by default, 5 at the most. */
export const DEFAULT_MAX_RETRIES = 3;
export const MAX_RETRIES_LIMIT = 5;

export interface RetryWriteOptions extends Partial<BackoffOptions> {
  /** Retries after the first attempt; default 3, at most 5. */
  readonly maxRetries?: number;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Retries a write whose failure is transient (429, 5xx, timeouts, network errors) with
 * exponential backoff and full jitter (base 1 s, cap 30 s), waiting longer when the server's
 * Retry-After (seconds or HTTP date) asks for it. Other failures, and the last one, pass on.
 * RxJS's `retry` with a delay notifier.
 *
 * ```
 * write:   --#                 (503, Retry-After: 5)
 *            |--- 5 s ---|--#  (503)
 *                           |-- rand*2 s --|--w|
 * result:  ------------------------------------w|
 * ```
 */
export function retryWrite<T>(options: RetryWriteOptions = {}, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<T> {
  const backoff: BackoffOptions = {
    baseMs: options.baseMs ?? defaultBackoff.baseMs,
    maxMs: options.maxMs ?? defaultBackoff.maxMs,
    ...(options.random ? { random: options.random } : {}),
  };
  const count = Math.min(options.maxRetries ?? DEFAULT_MAX_RETRIES, MAX_RETRIES_LIMIT);
  return retry<T>({
    count,
    delay: (error: unknown, attempt: number) => {
      if (classifyWriteFailure(error) !== 'retry') return throwError(() => error);
      const delayMs = writeRetryDelay(error, attempt, backoff, scheduler.now());
      options.onRetry?.(error, attempt, delayMs);
      return timer(delayMs, scheduler);
    },
  });
}
