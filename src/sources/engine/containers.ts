import { isLeft } from 'fp-ts/lib/Either.js';
import {
  type Observable,
  type SchedulerLike,
  asyncScheduler,
  concat,
  concatWith,
  defer,
  map,
  merge,
  mergeMap,
  of,
  scan,
  share,
  switchMap,
  takeUntil,
  tap,
  throwError,
  timer,
} from 'rxjs';
import type { Logger } from '../../model/logger.js';
import { frameLines } from '../../parse/frameLines.js';
import { askEngine } from './askEngine.js';
import { dial$ } from './dial.js';
import { type DiscoveryEvent, type DiscoveryInput, type DiscoveryStep, discoveryReducer } from './discovery.js';
import { type Engine, engineProduct } from './engine.js';
import { relistWhenBehind } from './relistWhenBehind.js';
import { EngineEvent, ListedContainer } from './engineCodecs.js';
import type { ContainerFilters } from './filters.js';

/** The engine ended its /events stream: it is going away (restart, shutdown). */
export class EventStreamEndedError extends Error {
  constructor(readonly address: string) {
    super(`the Docker engine at ${address} closed its event stream`);
    this.name = 'EventStreamEndedError';
  }
}

const WATCHED_ACTIONS = ['start', 'die', 'destroy', 'rename'];

/**
 * Podman 4's /events filters on its own names of two actions (`died`, `remove`) but sends
 * Docker's `die` and its own `remove`: asked for `die` and `destroy` alone, it sent neither, and
 * no exit was ever seen. Both names are asked (Docker ignores the ones it does not have).
 */
const PODMAN_FILTER_NAMES: Readonly<Record<string, string>> = { die: 'died', destroy: 'remove' };
export const withPodmanNames = (actions: readonly string[]): string[] =>
  actions.flatMap((a) => (PODMAN_FILTER_NAMES[a] ? [a, PODMAN_FILTER_NAMES[a]] : [a]));

/**
 * An event line that is not JSON or not an event is skipped: discovery must not stop for it.
 * Podman's `remove` of a container is Docker's `destroy`.
 */
export function decodeEvent(line: string): EngineEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return [];
  }
  const decoded = EngineEvent.decode(json);
  if (isLeft(decoded)) return [];
  const event = decoded.right;
  return [event.Type === 'container' && event.Action === 'remove' ? { ...event, Action: 'destroy' } : event];
}

/** A listing asked because the events came late is logged at most this often (ms). */
const BEHIND_WARN_EVERY_MS = 60_000;

/** How long discovery waits for the engine to answer /events before it lists the containers anyway. */
export const EVENTS_ANSWER_WAIT_MS = 5000;

export interface EventsOptions {
  /** Told when the engine has not answered /events after `waitMs` (default: nothing said). */
  readonly log?: Logger;
  readonly waitMs?: number;
  /** How long the listing may take before discovery fails (default ENGINE_ANSWER_MS, 30 s). */
  readonly answerMs?: number;
  readonly scheduler?: SchedulerLike;
  /** The events from this time on (`seconds.nanoseconds`) first: those of a reconnect's gap. */
  readonly since?: string;
}

/**
 * The engine's container events of the given actions, after what `list()` gives: subscribes to
 * the events BEFORE listing, so that no event is missed in between (the events that arrive while
 * the listing is under way wait, unread, in the response body). An engine that accepts /events
 * but sends no response headers (real dockerd flushes them at once; others may hold them until
 * the first event) would hold discovery for ever: after `waitMs` the containers are listed
 * anyway, with a warning naming the engine, and listed again once the events stream connects,
 * so that no start in between is missed. Events read late are followed by a listing again
 * (`relistWhenBehind`: the engine drops a slow reader's). Errors when the engine is unreachable
 * or closes the event stream.
 *
 * ```
 * events:  ^--------s----d---|
 * list():   --L|
 * result:  ---L-----s----d---#     (#: EventStreamEndedError)
 *
 * events:  ^.......(5 s, no headers).......(headers)--s--
 * result:  --------------------L--------------------L--s--
 * ```
 */
export function listThenEvents$<L>(
  engine: Engine,
  actions: readonly string[],
  list: () => Observable<L>,
  options: EventsOptions = {},
): Observable<L | EngineEvent> {
  const waitMs = options.waitMs ?? EVENTS_ANSWER_WAIT_MS;
  const scheduler = options.scheduler ?? asyncScheduler;
  return defer(() => {
    let warned = -Infinity;
    const warnBehind = (lateMs: number): void => {
      if (scheduler.now() - warned < BEHIND_WARN_EVERY_MS) return;
      warned = scheduler.now();
      options.log?.warn(
        { engine: engine.address, lateMs },
        'the engine events came late, and the engine drops those of a reader behind: listing the containers again',
      );
    };
    const events$ = dial$(engine.docker, {
      path: '/events?',
      query: {
        filters: { type: ['container'], event: withPodmanNames(actions) },
        ...(options.since ? { since: options.since } : {}),
      },
      statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
    }).pipe(share());
    const withoutEvents$ = timer(waitMs, scheduler).pipe(
      tap(() =>
        options.log?.warn(
          { engine: engine.address, waitedMs: waitMs },
          'the engine has not answered /events yet: listing its containers without events (again when it answers)',
        ),
      ),
      switchMap(list),
      takeUntil(events$),
    );
    const withEvents$ = events$.pipe(
      switchMap((body) =>
        concat(
          list(),
          frameLines(body).pipe(
            mergeMap(decodeEvent),
            relistWhenBehind(list, { onBehind: warnBehind }, scheduler),
            concatWith(throwError(() => new EventStreamEndedError(engine.address))),
          ),
        ),
      ),
    );
    return merge(withoutEvents$, withEvents$);
  });
}

function decodeListing([listing, product]: [unknown[], string | undefined]): DiscoveryInput {
  const containers = listing.flatMap((c) => {
    const decoded = ListedContainer.decode(c);
    return isLeft(decoded) ? [] : [decoded.right];
  });
  return { kind: 'listed', containers, ...(product ? { product } : {}) };
}

/**
 * Which containers to watch, as they come and go: the engine's container events (start, die,
 * destroy, rename) after its listing (`listThenEvents$`). Emits `added` for each matching container of the listing,
 * `synced`, then `added` / `removed` / `renamed` as events arrive. Errors when the engine is
 * unreachable or closes the event stream; `watchContainers` retries that.
 *
 * ```
 * events:   ^--------------s----d------     (s: start of c3, d: die of c1)
 * listing:   --[c1,c2]|
 * result:   ---a1-a2-y-----a3---r1----      (a: added, y: synced, r: removed)
 * ```
 */
export function containers$(
  engine: Engine,
  filters: ContainerFilters = {},
  options: EventsOptions = {},
): Observable<DiscoveryEvent> {
  const reduce = discoveryReducer(filters);
  // The engine's product and version with each listing: what answered, for the logs (a restart may upgrade it).
  // A hung engine fails the listing (after 5 s without /events headers, it is asked anyway): watchContainers retries.
  const listing = (abortSignal: AbortSignal) =>
    Promise.all([engine.docker.listContainers({ all: true, abortSignal }), engineProduct(engine, abortSignal)]);
  const list = () =>
    askEngine(engine.address, 'GET /containers/json and /version', listing, options.answerMs, options.scheduler).pipe(
      map(decodeListing),
    );
  return listThenEvents$(engine, WATCHED_ACTIONS, list, options).pipe(
    map((input): DiscoveryInput => ('kind' in input ? input : { kind: 'event', event: input })),
    scan((step: DiscoveryStep, input) => reduce(step.watchlist, input), { watchlist: new Map(), out: [] }),
    mergeMap((step) => of(...step.out)),
  );
}
