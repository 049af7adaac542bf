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
 * Poll mode's timing: subscribes to `request$` at once and then every `intervalMs`, except while
 * `paused$` last said true, and except while the previous request is still under way (that tick
 * is skipped: polls never pile up on a slow engine). Emits what each request emits.
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
  return timer(0, intervalMs, scheduler).pipe(
    withLatestFrom(paused$),
    filter(([, paused]) => !paused),
    exhaustMap(() => request$),
  );
}
