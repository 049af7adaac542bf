import {
  type Observable,
  type SchedulerLike,
  asyncScheduler,
  exhaustMap,
  filter,
  of,
  timer,
  withLatestFrom,
} from 'rxjs';

/**
 * Poll mode's timing on a given tick: subscribes to `request$` at each tick, except while
 * `paused$` last said true, and except while the previous request is still under way (that tick
 * is skipped: polls never pile up on a slow engine). Emits what each request emits. Many pollers
 * on one shared tick send their requests together, one wake-up for all of them.
 *
 * ```
 * tick$:    t---t---t---t---t---t
 * paused$:  f-------t-------f-------
 * request$: (one value, 2 ms)
 * result:   --a---a-----------a---a-
 * ```
 */
export function pollOn<T>(
  tick$: Observable<unknown>,
  request$: Observable<T>,
  paused$: Observable<boolean> = of(false),
): Observable<T> {
  return tick$.pipe(
    withLatestFrom(paused$),
    filter(([, paused]) => !paused),
    exhaustMap(() => request$),
  );
}

/**
 * `pollOn` a timer of its own: at once, then every `intervalMs`.
 *
 * ```
 * pollEvery(request$, 4)
 * paused$:  f-------t-------f-------
 * request$: (one value, 2 ms)
 * result:   --a---a-----------a---a-
 * ```
 */
export function pollEvery<T>(
  request$: Observable<T>,
  intervalMs: number,
  paused$: Observable<boolean> = of(false),
  scheduler: SchedulerLike = asyncScheduler,
): Observable<T> {
  return pollOn(timer(0, intervalMs, scheduler), request$, paused$);
}
