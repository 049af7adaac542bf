import {
  type OperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  buffer,
  connect,
  exhaustMap,
  filter,
  timer,
} from 'rxjs';

/**
 * Notices that arrive together as one array: the first opens a window of `windowMs`, and all
 * that come within it go in one POST (a host losing its engine tells of every container at
 * once). No timer runs while nothing arrives; completion flushes what waits.
 *
 * ```
 * notices: -a-b------c---|       (windowMs 4)
 * result:  -----x-------y|       x = [a, b], y = [c]
 * ```
 */
export function batchNotices<T>(windowMs: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, T[]> {
  return (notices$) =>
    notices$.pipe(
      connect((shared$) => shared$.pipe(buffer(shared$.pipe(exhaustMap(() => timer(windowMs, scheduler)))))),
      filter((batch) => batch.length > 0),
    );
}
