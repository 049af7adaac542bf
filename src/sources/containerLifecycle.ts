import { type Observable, type SchedulerLike, asyncScheduler, defer, map } from 'rxjs';
import type { LifecycleRecord, StatusRecord } from '../model/lifecycle.js';
import { type Logger, silentLogger } from '../model/logger.js';
import { type ConcurrencyGate, concurrencyGate } from '../rx/concurrencyGate.js';
import { retryBackoff } from '../rx/retryBackoff.js';
import { ENGINE_ANSWER_MS, askEngine } from './engine/askEngine.js';
import { listThenEvents$ } from './engine/containers.js';
import { ENGINE_RETRY_MAX_MS } from './watchContainers.js';
import type { Engine } from './engine/engine.js';
import { ListedContainer } from './engine/engineCodecs.js';
import type { ContainerFilters } from './engine/filters.js';
import { inspectContainer, retryInspect } from './engine/inspect.js';
import { LIFECYCLE_ACTIONS } from './engine/lifecycle.js';
import { newLifecycleBook } from './engine/lifecycleBook.js';
import { lifecycleStatuses } from './lifecycleStatuses.js';

/** Inspect requests under way at once, per engine, for the lifecycle (the cgroup source has its own gate). */
export const MAX_CONCURRENT_LIFECYCLE_INSPECTS = 16;
/** Containers whose failed inspect was told, at most: the log says it once per container. */
const TOLD_MAX = 1000;

export interface LifecycleOptions {
  readonly filters?: ContainerFilters;
  /** ms between the periodic statuses of every watched container. */
  readonly intervalMs: number;
  /** Wall-clock ms for the statuses' time (default: the scheduler's now). */
  readonly clock?: () => number;
  readonly log?: Logger;
  /** Tell the watched containers that go away too (`RemovalRecord`): for alerting. */
  readonly removals?: boolean;
}

/**
 * An inspect whose every attempt takes a slot of the gate, and whose waits between attempts
 * (`retryInspect`) hold none: inspects that keep failing must not starve the others' for seconds.
 *
 * ```
 * gate(1):  a: -#(wait)-#(wait)--#    b: .-b|     (b runs while a waits to try again)
 * ```
 */
export function gatedInspect<T>(
  gate: ConcurrencyGate,
  attempt: Observable<T>,
  options: { readonly random?: () => number } = {},
  scheduler: SchedulerLike = asyncScheduler,
): Observable<T> {
  return gate(attempt).pipe(retryInspect(options, scheduler));
}

/**
 * One engine's containers' lifecycle, for the `container` measurement (`lifecycleStatuses`):
 * each matching container inspected when listed; each lifecycle event (`create`, `start`, `die`,
 * `oom`, `health_status`, `restart`, `pause`, `unpause`, `update`, `rename`) written at its time,
 * saying what the event says, with its inspect's details; every `intervalMs` the status of each
 * container the state filter includes. Its own event stream beside discovery's: one more
 * long-lived request per engine. An engine outage is retried with backoff, quietly (the stats
 * sources log it); what is known outlives it, and the re-listing writes what changed meanwhile.
 * After a reconnect the events are asked from the last one's time. Inspects are retried
 * (`gatedInspect`); a listed container whose inspect still fails is known from the listing, and
 * the log says so once.
 *
 * ```
 * events:   ^---------s-------d-------  ✕ ^---     (s: start of c2, d: die of c1 with exitCode 3)
 * listing:  -[c1]                          -[c2]     (c1 removed while the events were down)
 * ticks:    -----t--------t--------t---    ----t-
 * result:   -----1----2---(12)-1---2---    -G--2-   (1: c1's status; at d, exit_code 3; G: c1 gone)
 * ```
 */
export function lifecycle$(
  engine: Engine,
  options: LifecycleOptions & { readonly removals: true },
  scheduler?: SchedulerLike,
): Observable<LifecycleRecord>;
export function lifecycle$(
  engine: Engine,
  options: LifecycleOptions,
  scheduler?: SchedulerLike,
): Observable<StatusRecord>;
export function lifecycle$(
  engine: Engine,
  options: LifecycleOptions,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<LifecycleRecord> {
  const log = options.log ?? silentLogger;
  return defer(() => {
    const book = newLifecycleBook();
    const told = new Set<string>();
    const gate = concurrencyGate(MAX_CONCURRENT_LIFECYCLE_INSPECTS);
    const onInspectFailed = (id: string, err: unknown): void => {
      if (told.has(id)) return;
      if (told.size >= TOLD_MAX) told.clear();
      told.add(id);
      log.warn(
        { engine: engine.address, id, err },
        'inspect failed after its retries: the container is written from what the listing or its event says',
      );
    };
    const listing = (abortSignal: AbortSignal) =>
      engine.docker.listContainers({ all: true, abortSignal }) as Promise<unknown[]>;
    const list = () =>
      askEngine(engine.address, 'GET /containers/json', listing, ENGINE_ANSWER_MS, scheduler).pipe(
        map((listing) => listing.filter((c): c is ListedContainer => ListedContainer.is(c))),
      );
    const session = defer(() =>
      listThenEvents$<readonly ListedContainer[]>(engine, LIFECYCLE_ACTIONS, list, {
        since: book.seen.since(),
        log,
      }).pipe(
        lifecycleStatuses(
          {
            filters: options.filters ?? {},
            intervalMs: options.intervalMs,
            inspect: (id) =>
              gatedInspect(
                gate,
                defer(() => inspectContainer(engine, id)),
                {},
                scheduler,
              ),
            book,
            onInspectFailed,
            ...(options.clock ? { clock: options.clock } : {}),
            ...(options.removals ? { removals: true } : {}),
          },
          scheduler,
        ),
      ),
    );
    return session.pipe(
      retryBackoff(
        {
          maxMs: ENGINE_RETRY_MAX_MS,
          onRetry: ({ error }) => log.debug({ engine: engine.address, err: error }, 'lifecycle events: retrying'),
        },
        scheduler,
      ),
    );
  });
}
