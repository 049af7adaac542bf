import {
  Observable,
  type SchedulerLike,
  Subscription,
  asyncScheduler,
  defer,
  filter,
  finalize,
  mergeMap,
  tap,
  timer,
} from 'rxjs';
import type { ContainerRef } from '../model/container.js';
import { type Logger, silentLogger } from '../model/logger.js';
import { type TelemetrySink, noTelemetry } from '../model/telemetry.js';
import { type RetryBackoffOptions, retryBackoff } from '../rx/retryBackoff.js';
import type { DiscoveryEvent } from './engine/discovery.js';
import { EnginePermissionDenied, explainEngineError } from './engine/engine.js';

/**
 * The longest wait between reconnections to an engine that went away: one that comes back (a
 * dockerd restart) has its streams again within about 5 s of answering; each try is one request.
 */
export const ENGINE_RETRY_MAX_MS = 4000;

/** After `die`, how long a container's stream may still deliver its last samples, by default. */
export const DEFAULT_STOP_GRACE_MS = 2000;

export interface WatchOptions {
  /** The engine's address, for logs and telemetry. */
  readonly engine: string;
  /**
   * The source's name in telemetry (`api`), when every stream is read the same way; without it
   * the streams report themselves (`reportStream`), as a source that chooses per container does.
   */
  readonly source?: string;
  /** After `removed`, how long a container's stream may still deliver its last samples. */
  readonly stopGraceMs?: number;
  /** Backoff between reconnections to an engine that went away. */
  readonly engineRetry?: Omit<RetryBackoffOptions, 'classify'>;
  readonly log?: Logger;
  readonly telemetry?: TelemetrySink;
}

/** One container being streamed: its identity, which renames update, and how to end its stream. */
interface StreamEntry {
  current: ContainerRef;
  stop?: () => void;
}

/**
 * One container's stream inside `watchContainers`: each value labelled with the container's
 * current identity, until `entry.stop()`; an error goes to `onError` and ends this stream only;
 * `onEnd` is told once, however it ends. That is `takeUntil`, `map`, `catchError(() => EMPTY)`
 * and `finalize` as one subscriber: the four operators and a Subject per container were most of
 * the heap of 10,000 streams (docs/benchmarks.md, section 3).
 *
 * ```
 * source: --a--b--#            --a--b--c--
 * stop():                              ^
 * result: --A--B--|            --A--B--|     (A: label(container, a); onEnd told at |)
 * ```
 */
function streamOne<T, R>(
  source: Observable<T>,
  entry: StreamEntry,
  label: (container: ContainerRef, value: T) => R,
  onError: (error: unknown) => void,
  onEnd: () => void,
): Observable<R> {
  return new Observable<R>((subscriber) => {
    entry.stop = () => subscriber.complete();
    const inner = source.subscribe({
      next: (value) => subscriber.next(label(entry.current, value)),
      error: (error: unknown) => {
        onError(error);
        subscriber.complete();
      },
      complete: () => subscriber.complete(),
    });
    return () => {
      entry.stop = undefined;
      inner.unsubscribe();
      onEnd();
    };
  });
}

/**
 * The merge of every watched container's stream, each value labelled with its container's
 * identity. `discovery$` tells which containers to watch (a new subscription lists them anew);
 * `streamOf` opens one container's stream. A stream starts on `added`, follows `renamed`, and
 * ends by itself (a stopped container's stream completes) or `stopGraceMs` after `removed`. When
 * discovery errors (the engine went away) this does not error: it logs once, reports the engine
 * down, resubscribes with backoff, and resumes every stream from the new listing. An error in one
 * container's stream is logged and ends that stream only.
 *
 * ```
 * discovery: -a--b----r(a)---#           (backoff)  -a--b-
 * streamOf:   x---x---x...                           x---x
 * result:    -x--y-x--y-x-- (a's stream ends 2 s after r) --x--y-
 * ```
 */
export function watchContainers<T, R>(
  discovery$: Observable<DiscoveryEvent>,
  streamOf: (container: ContainerRef) => Observable<T>,
  label: (container: ContainerRef, value: T) => R,
  options: WatchOptions,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<R> {
  const log = options.log ?? silentLogger;
  const telemetry = options.telemetry ?? noTelemetry;
  const { engine, source } = options;
  const closed = source === undefined ? undefined : ({ type: 'stream-closed', engine, source } as const);
  return defer(() => {
    let engineDown = false;
    const session$ = defer(() => {
      // A stream keeps its own entry after `removed`, so that its last samples carry the latest name.
      const streaming = new Map<string, StreamEntry>();
      const stopping = new Subscription();
      const lifecycle$ = discovery$.pipe(
        tap((event) => {
          if (event.kind === 'synced') {
            const { watched, product } = event;
            if (engineDown) log.info({ engine, watched, product }, 'Docker engine is back; streams resumed');
            engineDown = false;
            telemetry.next({ type: 'engine-up', engine, watched, ...(product ? { product } : {}) });
          } else if (event.kind === 'removed') {
            const entry = streaming.get(event.id);
            streaming.delete(event.id);
            const grace = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
            if (entry) stopping.add(timer(grace, scheduler).subscribe(() => entry.stop?.()));
          } else if (event.kind === 'renamed') {
            const entry = streaming.get(event.container.id);
            if (entry) entry.current = event.container;
          }
        }),
      );
      return lifecycle$.pipe(
        filter((e): e is Extract<DiscoveryEvent, { kind: 'added' }> => e.kind === 'added'),
        mergeMap(({ container }) => {
          const entry: StreamEntry = { current: container };
          streaming.set(container.id, entry);
          log.debug({ container: container.name, id: container.id, source }, 'watching container');
          if (source !== undefined)
            telemetry.next({ type: 'stream-opened', engine, source, container: container.name });
          const failed = (err: unknown): void =>
            log.error({ container: entry.current.name, err }, 'container stats stream failed');
          return streamOne(streamOf(container), entry, label, failed, () => closed && telemetry.next(closed));
        }),
        finalize(() => stopping.unsubscribe()),
      );
    });

    const onRetry = ({ error, attempt, delayMs }: { error: unknown; attempt: number; delayMs: number }): void => {
      const problem = explainEngineError(engine, error);
      telemetry.next({
        type: 'engine-down',
        engine,
        reason: problem instanceof Error ? problem.message : String(problem),
      });
      if (engineDown) return;
      engineDown = true;
      if (problem instanceof EnginePermissionDenied)
        log.error({ engine, ...problem.access, attempt, delayMs }, `${problem.message}; retrying with backoff`);
      else log.warn({ engine, err: error, attempt, delayMs }, 'Docker engine unreachable; retrying with backoff');
    };
    return session$.pipe(retryBackoff({ maxMs: ENGINE_RETRY_MAX_MS, ...options.engineRetry, onRetry }, scheduler));
  });
}

/** A container's stream that reports itself opened (on subscription) and closed (however it ends). */
export function reportStream<T>(
  stream$: Observable<T>,
  telemetry: TelemetrySink,
  engine: string,
  source: string,
  container: ContainerRef,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    telemetry.next({ type: 'stream-opened', engine, source, container: container.name });
    const inner = stream$.subscribe(subscriber);
    return () => {
      inner.unsubscribe();
      telemetry.next({ type: 'stream-closed', engine, source });
    };
  });
}
