/** Settings of an exponential backoff with full jitter (a uniform wait below the exponential ceiling). */
export interface BackoffOptions {
  /** Delay ceiling before jitter for the first retry, in ms. */
  readonly baseMs: number;
  /** Largest delay, in ms. */
  readonly maxMs: number;
  /** Source of randomness in [0, 1); inject a fixed one in tests. */
  readonly random?: () => number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 1000, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (1-based): uniform in [0, min(maxMs, baseMs * 2^(attempt-1))).
 * Full jitter spreads the retries of many containers (or many collectors) so that a daemon or
 * database coming back is not hit by all of them in the same millisecond.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const random = options.random ?? Math.random;
  return Math.floor(random() * ceiling);
}
