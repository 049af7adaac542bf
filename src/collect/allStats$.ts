import {
  Observable,
  type SchedulerLike,
  Subscription,
  defer,
  filter,
  finalize,
  mergeMap,
  timer,
  tap,
} from 'rxjs';
import { type Logger, silentLogger } from '../log.js';
import { concurrencyGate } from '../rx/concurrencyGate.js';
import { type RetryBackoffOptions, retryBackoff } from '../rx/retryBackoff.js';
import type { Engine } from './connection.js';
import { type ContainerStatsOptions, containerStats$ } from './containerStats$.js';
import { containers$ } from './containers$.js';
import type { DiscoveryEvent } from './discovery.js';
import type { ContainerRef } from './engineCodecs.js';
import type { ContainerFilters } from './filters.js';

/**
 * A one-shot poll waits for the engine's next collection tick (up to a second), so keeping
 * 1 s polls going takes about one request under way per container: 128 covers most hosts.
 */
export const DEFAULT_MAX_CONCURRENT_POLLS = 128;

/** One raw stats record with the identity of the container it came from. */
export interface StatsLine {
  readonly container: ContainerRef;
  readonly line: string;
}

export interface AllStatsOptions extends Omit<ContainerStatsOptions, 'pollGate'> {
  readonly filters?: ContainerFilters;
  /** Poll mode: engine requests under way at once, across all containers. */
  readonly maxConcurrentPolls?: number;
  /** After `die`, how long a container's stream may still deliver its last samples. */
  readonly stopGraceMs?: number;
  /** Backoff between reconnections to an engine that went away. */
  readonly engineRetry?: RetryBackoffOptions;
  readonly log?: Logger;
  /** Told when the engine answers (after each listing) and when it stops answering. */
  readonly onEngine?: (reachable: boolean, reason?: string) => void;
  /** Told when a container's stream starts (+1) and ends (-1): the active streams. */
  readonly onStream?: (delta: 1 | -1) => void;
}

/** A watched container: its identity, which renames update, and how to stop its stream. */
interface Watched {
  current: ContainerRef;
  stop?: () => void;
}

/**
 * One container's stream inside `allStats$`: each line with the container's current identity,
 * until `entry.stop()`; an error is handed to `error` and ends this stream only; `end` is told
 * once, however it ends. That is `takeUntil(stop$)`, `map`, `catchError(() => EMPTY)` and
 * `finalize` as one subscriber: those four and a Subject cost 2.7 kB of heap per container,
 * 27 MB at 10,000 containers, which is most of what kept that scale above 300 MB of RSS.
 *
 * ```
 * source: --a--b--#            --a--b--c--
 * stop():                              ^
 * result: --A--B--|            --A--B--|     (A: { container, line: a }; end told at |)
 * ```
 */
function watch(source: Observable<string>, entry: Watched, on: { error(error: unknown): void; end(): void }): Observable<StatsLine> {
  return new Observable<StatsLine>((subscriber) => {
    entry.stop = () => subscriber.complete();
    const inner = source.subscribe({
      next: (line) => subscriber.next({ container: entry.current, line }),
      error: (error: unknown) => {
        on.error(error);
        subscriber.complete();
      },
      complete: () => subscriber.complete(),
    });
    return () => {
      entry.stop = undefined;
      inner.unsubscribe();
      on.end();
    };
  });
}

/**
 * The merge of every watched container's raw stats, each record with its container's identity.
 * A container's stream starts on its `added` and ends after its last real sample (the engine's
 * first zeroed record, or `stopGraceMs` after `die`). When the engine goes away this does not
 * error: it logs once, reconnects with backoff, then re-lists and resumes every stream. An error
 * in one container's stream is logged and ends that stream only.
 *
 * ```
 * discovery: -a1--a2------r1-------   (#: engine gone, then back)  --a1-a2-
 * result:    --x--x-y-x-y--x-y-y-y---------------------------------x-y-x-y
 * ```
 */
export function allStats$(engine: Engine, options: AllStatsOptions = {}, scheduler?: SchedulerLike): Observable<StatsLine> {
  const log = options.log ?? silentLogger;
  return defer(() => {
    // Per subscription: the poll gate and whether the engine is known to be down.
    const pollGate = options.mode === 'poll' ? concurrencyGate(options.maxConcurrentPolls ?? DEFAULT_MAX_CONCURRENT_POLLS) : undefined;
    const statsOptions: ContainerStatsOptions = { ...options, ...(pollGate ? { pollGate } : {}) };
    let engineDown = false;

    const session$ = defer(() => {
      // Each watched container's identity, which renames update, and its stop signal. A stream
      // keeps its own identity after `removed`, so that its last samples carry the latest name.
      const watched = new Map<string, Watched>();
      const stopping = new Subscription();
      const lifecycle$ = containers$(engine, options.filters).pipe(
        tap((event) => {
          if (event.kind === 'synced') {
            if (engineDown) log.info({ engine: engine.address, watched: event.watched }, 'Docker engine is back; streams resumed');
            engineDown = false;
            options.onEngine?.(true);
          } else if (event.kind === 'removed') {
            // The stream stops `stopGraceMs` later: its last samples may still be on their way.
            const entry = watched.get(event.id);
            watched.delete(event.id);
            if (entry) stopping.add(timer(options.stopGraceMs ?? 2000, scheduler).subscribe(() => entry.stop?.()));
          } else if (event.kind === 'renamed') {
            const entry = watched.get(event.container.id);
            if (entry) entry.current = event.container;
          }
        }),
      );

      return lifecycle$.pipe(
        filter((e): e is Extract<DiscoveryEvent, { kind: 'added' }> => e.kind === 'added'),
        mergeMap(({ container }) => {
          const entry: Watched = { current: container };
          watched.set(container.id, entry);
          log.debug({ container: container.name, id: container.id }, 'watching container');
          options.onStream?.(1);
          return watch(containerStats$(engine.docker, container.id, statsOptions, scheduler), entry, {
            error: (error) => log.error({ container: container.name, err: String(error) }, 'container stats stream failed'),
            end: () => options.onStream?.(-1),
          });
        }),
        finalize(() => stopping.unsubscribe()),
      );
    });

    return session$.pipe(
      retryBackoff(
        {
          ...options.engineRetry,
          onRetry: (error, attempt, delayMs) => {
            options.onEngine?.(false, String(error));
            if (engineDown) return;
            engineDown = true;
            log.warn({ engine: engine.address, err: String(error), attempt, delayMs }, 'Docker engine unreachable; retrying with backoff');
          },
        },
        scheduler,
      ),
    );
  });
}
