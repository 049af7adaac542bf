import {
  type MonoTypeOperatorFunction,
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

/** How long the streams stay readable each time: Node hands over what the sockets hold at once. */
export const READ_WINDOW_OPEN_MS = 20;

/**
 * Stream mode's read windows: turns a `paused$` signal (the buffer's `block` policy, or always
 * false) into the one every container stream follows, which also stays paused between windows:
 * readable for `openMs` every `everyMs`, paused the rest of the time. It replays its latest value,
 * so a stream that starts between windows starts paused.
 *
 * Why: at 100 containers each record would otherwise wake the process on its own, a few ms after
 * the last, and run the whole pipeline with cold caches: about 200 µs of CPU per record, against
 * 11 µs in a loop. Between windows the engine's records wait in the socket (one or two per
 * container), and each window runs them back to back, which halves the collector's CPU
 * (docs/benchmarks.md). Points keep the engine's `read` time; only their delivery waits, up to
 * `everyMs`.
 *
 * ```
 * paused$: f--------------t---------f--------    (everyMs 10, openMs 2)
 * result:  t---------f-t-----------------f-t-
 * ```
 */
export function readWindows(everyMs: number, openMs = READ_WINDOW_OPEN_MS, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<boolean> {
  const between$ = interval(everyMs, scheduler).pipe(
    switchMap(() => timer(Math.min(openMs, everyMs / 2), scheduler).pipe(map(() => true), startWith(false))),
    startWith(true),
  );
  return (paused$) =>
    combineLatest([paused$, between$]).pipe(
      map(([paused, between]) => paused || between),
      distinctUntilChanged(),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
}
