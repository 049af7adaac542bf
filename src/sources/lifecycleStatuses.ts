import {
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  connect,
  defer,
  map,
  merge,
  mergeMap,
  timer,
} from 'rxjs';
import type { StatusRecord } from '../model/lifecycle.js';
import { takeUntilEnd } from '../rx/takeUntilEnd.js';
import type { Instant } from '../model/timestamp.js';
import { type KnownContainers, type LifecycleInput, lifecycleReducer } from './engine/lifecycle.js';
import type { ContainerFilters } from './engine/filters.js';

/** A wall-clock ms as an Instant. */
export const instantOf = (ms: number): Instant => ({
  seconds: Math.floor(ms / 1000),
  nanos: Math.round((ms % 1000) * 1e6) % 1e9,
});

/**
 * The statuses to write from a container's inspects and events: each event's status at once,
 * and every `intervalMs` (on the scheduler) the status of each known container the state filter
 * includes, stamped with `clock` (default the scheduler's now). The known containers are this
 * subscription's own (`lifecycleReducer`).
 *
 * ```
 * source:   -i-----e---------      (i: c1 inspected at start-up, e: c1's die, exit code 3)
 * interval:     ----t----t---
 * result:   -----1-E----1----      (1: c1's status; E: with exit_code 3, at the event's time)
 * ```
 */
export function lifecycleStatuses(
  filters: ContainerFilters,
  intervalMs: number,
  clock?: () => number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<Exclude<LifecycleInput, { kind: 'tick' }>, StatusRecord> {
  const now = clock ?? (() => scheduler.now());
  return (source: Observable<Exclude<LifecycleInput, { kind: 'tick' }>>) =>
    defer(() => {
      const reduce = lifecycleReducer(filters);
      const known: KnownContainers = new Map();
      const ticks$ = timer(intervalMs, intervalMs, scheduler).pipe(
        map((): LifecycleInput => ({ kind: 'tick', at: instantOf(now()) })),
      );
      // The ticks end with the source: the statuses of an engine's session end with its events.
      return source.pipe(
        connect((inputs) => merge(inputs, ticks$.pipe(takeUntilEnd(inputs)))),
        mergeMap((input) => reduce(known, input)),
      );
    });
}
