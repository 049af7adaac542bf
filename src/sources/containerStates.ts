import {
  EMPTY,
  type Observable,
  type SchedulerLike,
  asyncScheduler,
  catchError,
  defer,
  from,
  map,
  mergeMap,
  of,
} from 'rxjs';
import type { StatusRecord } from '../model/lifecycle.js';
import { type Logger, silentLogger } from '../model/logger.js';
import type { Instant } from '../model/timestamp.js';
import { concurrencyGate } from '../rx/concurrencyGate.js';
import { retryBackoff, statusOf } from '../rx/retryBackoff.js';
import { listThenEvents$ } from './engine/containers.js';
import { ENGINE_RETRY_MAX_MS } from './watchContainers.js';
import type { Engine } from './engine/engine.js';
import { type EngineEvent, ListedContainer, stripSlash } from './engine/engineCodecs.js';
import { type ContainerFilters, containerMatcher } from './engine/filters.js';
import { inspectContainer } from './engine/inspect.js';
import { LIFECYCLE_ACTIONS, type LifecycleInput } from './engine/lifecycle.js';
import { instantOf, lifecycleStatuses } from './lifecycleStatuses.js';

type Inspected = Exclude<LifecycleInput, { kind: 'tick' }>;

/** Inspect requests under way at once, per engine, for the lifecycle (the cgroup source has its own gate). */
export const MAX_CONCURRENT_LIFECYCLE_INSPECTS = 16;

export interface ContainerStatesOptions {
  readonly filters?: ContainerFilters;
  /** ms between the periodic statuses of every watched container. */
  readonly intervalMs: number;
  /** Wall-clock ms for the statuses' time (default: the scheduler's now). */
  readonly clock?: () => number;
  readonly log?: Logger;
}

const eventTime = (event: EngineEvent, nowMs: number): Instant =>
  event.timeNano !== undefined
    ? { seconds: Math.floor(event.timeNano / 1e9), nanos: event.timeNano % 1e9 }
    : instantOf(nowMs);

/**
 * One engine's containers' lifecycle, for the `container` measurement: each matching container
 * inspected once when listed, then again after each of its lifecycle events (`start`, `die`,
 * `oom`, `health_status`, `restart`, `pause`, `unpause`, `update`, ...), whose status is emitted
 * at once, stamped with the event's time; and every `intervalMs` the status of each container the
 * state filter includes. Its own event stream beside discovery's: one more long-lived request per
 * engine. An engine outage is retried with backoff, quietly (the stats sources log it).
 *
 * ```
 * events:   ^---------s-------d-------        (s: start of c2, d: die of c1 with exitCode 3)
 * listing:  -[c1]
 * ticks:    -----t--------t--------t--
 * result:   -----1----2---(12)-1---2--       (1: c1's status; at d, exit_code 3)
 * ```
 */
export function containerStates$(
  engine: Engine,
  options: ContainerStatesOptions,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<StatusRecord> {
  const log = options.log ?? silentLogger;
  const now = options.clock ?? (() => scheduler.now());
  return defer(() => {
    const listed = containerMatcher(options.filters);
    const gate = concurrencyGate(MAX_CONCURRENT_LIFECYCLE_INSPECTS);
    const inspect = (id: string, event?: EngineEvent): Observable<Inspected> =>
      gate(defer(() => inspectContainer(engine, id))).pipe(
        map((info): Inspected => {
          const at = event ? eventTime(event, now()) : instantOf(now());
          return event ? { kind: 'inspected', info, event, at } : { kind: 'inspected', info, at };
        }),
        catchError((error: unknown) => {
          // Gone already (`--rm`): what the event itself carries is written.
          if (event) return of<Inspected>({ kind: 'event', event, at: eventTime(event, now()) });
          if (statusOf(error) !== 404) log.debug({ engine: engine.address, id, err: error }, 'inspect failed');
          return EMPTY;
        }),
      );
    const list = () => from(engine.docker.listContainers({ all: true }) as Promise<unknown[]>);
    return listThenEvents$(engine, LIFECYCLE_ACTIONS, list).pipe(
      mergeMap((item): Observable<Inspected> => {
        if (Array.isArray(item)) {
          const matching = item.filter((c): c is ListedContainer => ListedContainer.is(c) && matchesListed(listed, c));
          return from(matching).pipe(mergeMap((c) => inspect(c.Id)));
        }
        const event = item as EngineEvent;
        return event.Action === 'destroy'
          ? of<Inspected>({ kind: 'event', event, at: eventTime(event, now()) })
          : inspect(event.Actor.ID, event);
      }),
      lifecycleStatuses(options.filters ?? {}, options.intervalMs, now, scheduler),
    );
  }).pipe(
    retryBackoff(
      {
        maxMs: ENGINE_RETRY_MAX_MS,
        onRetry: ({ error }) => log.debug({ engine: engine.address, err: error }, 'lifecycle events: retrying'),
      },
      scheduler,
    ),
  );
}

const matchesListed = (match: ReturnType<typeof containerMatcher>, c: ListedContainer): boolean =>
  match({ name: stripSlash(c.Names?.[0] ?? ''), state: c.State, labels: c.Labels ?? {} });
