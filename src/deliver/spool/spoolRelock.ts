import {
  type Observable,
  type ObservableInput,
  type SchedulerLike,
  asyncScheduler,
  catchError,
  defer,
  exhaustMap,
  filter,
  of,
  take,
  throwError,
  timer,
} from 'rxjs';
import { type SpoolLock, SpoolLockedError } from './spoolLock.js';

/** How often a daemon whose disk refused the spool's lock tries it again. */
export const RELOCK_EVERY_MS = 5_000;

/**
 * While a spool runs unlocked (its disk refused the lock at start), tries `lock` every `everyMs`,
 * one try at a time: emits the lock once taken, and completes; fails with SpoolLockedError when
 * another daemon took it meanwhile, as this one must then leave the spool to it. Any other
 * failure counts as still unlocked: the disk may still be failing.
 */
export function relockSpool(
  lock: () => ObservableInput<SpoolLock>,
  everyMs = RELOCK_EVERY_MS,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<SpoolLock> {
  return timer(everyMs, everyMs, scheduler).pipe(
    exhaustMap(() =>
      defer(lock).pipe(
        catchError((error: unknown) =>
          error instanceof SpoolLockedError ? throwError(() => error) : of<SpoolLock | undefined>(undefined),
        ),
      ),
    ),
    filter((taken): taken is SpoolLock => taken !== undefined && taken.unlocked === undefined),
    take(1),
  );
}
