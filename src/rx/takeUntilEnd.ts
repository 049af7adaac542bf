import { type MonoTypeOperatorFunction, type Observable, endWith, ignoreElements, takeUntil } from 'rxjs';

/**
 * Mirrors the source until `other$` completes (or errors): `takeUntil` fires on a value, this
 * on the end, for ticks that must stop when the stream they pace stops. `takeUntil` alone
 * cannot say it: it ignores completion.
 *
 * ```
 * source:  t---t---t---t---
 * other$:  --a----|
 * result:  t---t--|
 * ```
 */
export function takeUntilEnd<T>(other$: Observable<unknown>): MonoTypeOperatorFunction<T> {
  return takeUntil(other$.pipe(ignoreElements(), endWith(0)));
}
