import {
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  Subject,
  asyncScheduler,
  catchError,
  concatMap,
  connect,
  defer,
  finalize,
  from,
  groupBy,
  map,
  merge,
  mergeMap,
  of,
  switchMap,
  takeUntil,
  timer,
} from 'rxjs';
import type { LifecycleRecord, StatusRecord } from '../model/lifecycle.js';
import type { Instant } from '../model/timestamp.js';
import { statusOf } from '../rx/retryBackoff.js';
import { takeUntilEnd } from '../rx/takeUntilEnd.js';
import type { EngineEvent, InspectedContainer, ListedContainer } from './engine/engineCodecs.js';
import type { ContainerFilters } from './engine/filters.js';
import { lifecycleReducer } from './engine/lifecycle.js';
import {
  type ContainerWork,
  type Inspection,
  type LifecycleBook,
  type LifecycleInput,
  type LifecycleStep,
  carriedWork,
  newLifecycleBook,
} from './engine/lifecycleBook.js';

/** A wall-clock ms as an Instant. */
export const instantOf = (ms: number): Instant => ({
  seconds: Math.floor(ms / 1000),
  nanos: Math.round((ms % 1000) * 1e6) % 1e9,
});

/** An event's own time (ns since the epoch), else `nowMs`. */
export const eventTime = (event: EngineEvent, nowMs: number): Instant =>
  event.timeNano !== undefined
    ? { seconds: Math.floor(event.timeNano / 1e9), nanos: event.timeNano % 1e9 }
    : instantOf(nowMs);

/** A container's queue of inspects closes after this long without work (a new one opens if more comes). */
export const CONTAINER_IDLE_MS = 60_000;

export interface LifecycleOptions {
  readonly filters: ContainerFilters;
  /** ms between the periodic statuses of every watched container. */
  readonly intervalMs: number;
  /** A container's inspect; an error with status 404 says it is gone, any other that it failed. */
  readonly inspect: (id: string) => Observable<InspectedContainer>;
  /** Wall-clock ms for the statuses' time (default: the scheduler's now). */
  readonly clock?: () => number;
  /** What is known of the engine's containers, kept across its sessions (default: this subscription's own). */
  readonly book?: LifecycleBook;
  /** Told when an inspect fails for another reason than 404. */
  readonly onInspectFailed?: (id: string, error: unknown) => void;
  /** Tell the watched containers that go away too (`RemovalRecord`), after their last status: for alerting. */
  readonly removals?: boolean;
}

/**
 * The statuses to write from an engine's listings and container events (`lifecycleReducer`):
 * each event's status at the event's time once its inspect answered (the inspects a previous
 * session left unanswered, kept in the book, are made again first); every `intervalMs` (on the
 * scheduler) the status of each known container the state filter includes; after a re-listing,
 * what changed. The inspects of one container run one after another, in the order of its
 * events (a late answer cannot undo a later event); different containers' run side by side.
 *
 * ```
 * source:   -L--s-d-x----------     (L: listing [c1], s: start of c2, d: die of c2, x: destroy of c2)
 * inspects: -[c1]-[s]-[d]--          (c2's one after the other; d's answers 404: gone)
 * interval:     ----t----t---
 * result:   -----1-S--D-1----1-     (S: c2 running at s's time; D: exited, exit code, at d's time)
 * ```
 */
export function lifecycleStatuses(
  options: LifecycleOptions & { readonly removals: true },
  scheduler?: SchedulerLike,
): OperatorFunction<readonly ListedContainer[] | EngineEvent, LifecycleRecord>;
export function lifecycleStatuses(
  options: LifecycleOptions,
  scheduler?: SchedulerLike,
): OperatorFunction<readonly ListedContainer[] | EngineEvent, StatusRecord>;
export function lifecycleStatuses(
  options: LifecycleOptions,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<readonly ListedContainer[] | EngineEvent, LifecycleRecord> {
  const now = options.clock ?? (() => scheduler.now());
  // A step's records: its statuses, then (when asked) the removals it tells.
  const told = (s: LifecycleStep): readonly LifecycleRecord[] =>
    options.removals && s.removed ? [...s.out, ...s.removed] : s.out;
  return (source) =>
    defer(() => {
      const book = options.book ?? newLifecycleBook();
      const reduce = lifecycleReducer(options.filters);
      const step = (input: LifecycleInput) => reduce(book, input);
      const inspect = (work: ContainerWork): Observable<Inspection> =>
        options.inspect(work.id).pipe(
          map((info): Inspection => ({ kind: 'inspection', work, answer: info, at: instantOf(now()) })),
          catchError((error: unknown) => {
            if (statusOf(error) !== 404) options.onInspectFailed?.(work.id, error);
            const answer = statusOf(error) === 404 ? 'gone' : 'failed';
            return of<Inspection>({ kind: 'inspection', work, answer, at: instantOf(now()) });
          }),
        );
      const ticks$ = timer(options.intervalMs, options.intervalMs, scheduler).pipe(
        map((): LifecycleInput => ({ kind: 'tick', at: instantOf(now()) })),
      );
      // RxJS's groupBy keeps each group's `duration` (its idle timer) after the output ends: ended here.
      const ended = new Subject<void>();
      let listings = 0;
      return source.pipe(
        map((item): LifecycleInput =>
          isListing(item)
            ? { kind: 'listing', containers: item, at: instantOf(now()), ...(listings++ > 0 ? { catchUp: true } : {}) }
            : { kind: 'event', event: item, at: eventTime(item, now()) },
        ),
        connect((inputs) => {
          const steps = inputs.pipe(map(step));
          return steps.pipe(
            connect((arrived) =>
              merge(
                arrived.pipe(mergeMap(told)),
                // What the last session left unanswered first (its inspects ended with it), then the new work.
                merge(from(carriedWork(book)), arrived.pipe(mergeMap((s) => s.work))).pipe(
                  groupBy((work) => work.id, {
                    duration: (queue) =>
                      queue.pipe(
                        switchMap(() => timer(CONTAINER_IDLE_MS, scheduler)),
                        takeUntil(ended),
                      ),
                  }),
                  mergeMap((queue) => queue.pipe(concatMap(inspect))),
                  mergeMap((inspection) => told(step(inspection))),
                ),
                // The ticks end with the source: the statuses of an engine's session end with its events.
                ticks$.pipe(
                  takeUntilEnd(inputs),
                  mergeMap((tick) => told(step(tick))),
                ),
              ),
            ),
          );
        }),
        finalize(() => ended.next()),
      );
    });
}

const isListing = (item: readonly ListedContainer[] | EngineEvent): item is readonly ListedContainer[] =>
  Array.isArray(item);
