import {
  type MonoTypeOperatorFunction,
  type Observable,
  type SchedulerLike,
  asyncScheduler,
  combineLatest,
  distinctUntilChanged,
  interval,
  map,
  shareReplay,
  startWith,
  switchMap,
  timer,
} from 'rxjs';

/**
 * Above this many open streams the daemon reads as records come: they then arrive back to back
 * anyway, and pausing thousands of streams at once costs more CPU, lag and memory than it saves
 * (docs/benchmarks.md, section 3).
 */
export const MAX_WINDOWED_STREAMS = 1000;

/** How long the streams stay readable each time: Node hands over what the sockets hold at once. */
export const READ_WINDOW_OPEN_MS = 20;

/**
 * Stream mode's read windows: turns a `paused$` signal (the buffer's `block` policy, or always
 * false) into the one every container stream follows, which also stays paused between windows:
 * readable for `openMs` every `everyMs`, paused the rest of the time. It replays its latest value,
 * so a stream that starts between windows starts paused.
 *
 * Why: at 100 containers each record would otherwise wake the process on its own, a few ms after
 * the last, and run the whole pipeline with cold caches, at several times its cost in a loop.
 * Between windows the engine's records wait in the socket (one or two per container), and each
 * window runs them back to back (docs/benchmarks.md, section 2). Points keep the engine's `read`
 * time; only their delivery waits, up to `everyMs`.
 *
 * ```
 * paused$: f--------------t---------f--------    (everyMs 10, openMs 2)
 * result:  t---------f-t-----------------f-t-
 * ```
 */
export function readWindows(
  everyMs: number,
  openMs = READ_WINDOW_OPEN_MS,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<boolean> {
  const between$ = interval(everyMs, scheduler).pipe(
    switchMap(() =>
      timer(Math.min(openMs, everyMs / 2), scheduler).pipe(
        map(() => true),
        startWith(false),
      ),
    ),
    startWith(true),
  );
  return (paused$) =>
    combineLatest([paused$, between$]).pipe(
      map(([paused, between]) => paused || between),
      distinctUntilChanged(),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
}

export interface ReadWindowsWhileFewOptions {
  readonly everyMs: number;
  readonly openMs?: number;
  readonly maxStreams?: number;
}

/**
 * `readWindows` while at most `maxStreams` streams are open (`streams$`), else `paused$` as it is.
 *
 * ```
 * streams$: 1--------------3---------1----------    (maxStreams 2, everyMs 10, openMs 2)
 * paused$:  f-----------------------------------
 * result:   t---------f-t--f---------t---------f-t
 * ```
 */
export function readWindowsWhileFew(
  streams$: Observable<number>,
  options: ReadWindowsWhileFewOptions,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<boolean> {
  const { everyMs, openMs = READ_WINDOW_OPEN_MS, maxStreams = MAX_WINDOWED_STREAMS } = options;
  return (paused$) =>
    streams$.pipe(
      map((streams) => streams <= maxStreams),
      distinctUntilChanged(),
      switchMap((few) => (few ? paused$.pipe(readWindows(everyMs, openMs, scheduler)) : paused$)),
      distinctUntilChanged(),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
}
