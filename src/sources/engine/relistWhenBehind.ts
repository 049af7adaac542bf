import {
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  concatMap,
  connect,
  debounceTime,
  exhaustMap,
  filter,
  map,
  merge,
  of,
  share,
  startWith,
  take,
  tap,
} from 'rxjs';
import { takeUntilEnd } from '../../rx/takeUntilEnd.js';
import type { EngineEvent } from './engineCodecs.js';

/**
 * The engine gives up on a subscriber that has not taken an event for this long (ms) with 1,024
 * waiting (moby's events publisher: `pubsub.NewPublisher(100ms, 1024)`), and drops the event:
 * so an event read this late or later says that some may have been dropped.
 */
export const ENGINE_EVENT_TIMEOUT_MS = 100;
/** Without an event on time, the listing comes this long (ms) after the last late one. */
export const RELIST_QUIET_MS = 2000;
/** The promptest event is looked for among those of the last one to two of these (ms). */
export const FLOOR_WINDOW_MS = 150_000;

export interface RelistOptions {
  readonly quietMs?: number;
  readonly floorWindowMs?: number;
  /** Told at each listing asked, with how late (ms) the first late event of its run was. */
  readonly onBehind?: (lateMs: number) => void;
}

const RELIST: unique symbol = Symbol('relist');

/**
 * The engine's events, with a new `list()` among them after events that came late: the engine
 * drops the events of a reader that falls behind (a host at load 70 starves us for seconds;
 * measured: 3,002 events sent while a reader paused, 1,192 received), and an event is not sent
 * again, so a listing is what brings back what the dropped ones said (a `start` missed would leave
 * a container unwatched). It is asked once caught up (the first event on time, or `quietMs`
 * without a late one), so that few events from before it are still unread: those would come
 * after it (a container destroyed meanwhile is written gone before its `die`). The events read
 * while it is under way are kept, in order, and come after it, as those of a session's first
 * listing do. `concatMap` is what holds them; `exhaustMap`, one listing per run of late events.
 *
 * ```
 * events:  -a-b--c-d-----e---------f-    (b, e read 100 ms or more later than the promptest)
 * list():         --L|          --L|
 * result:  -a-b--c-Ld----e-------L-f-    (c on time: listed; d held; after e, quietMs: listed)
 * ```
 */
export function relistWhenBehind<L>(
  list: () => Observable<L>,
  options: RelistOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<EngineEvent, L | EngineEvent> {
  const sentAt = (e: EngineEvent): number | undefined =>
    e.timeNano === undefined ? undefined : Math.floor(e.timeNano / 1e6);
  const isLate = (ms: number): boolean => ms >= ENGINE_EVENT_TIMEOUT_MS;
  return connect((events) => {
    const subscribedAt = scheduler.now();
    const windowMs = options.floorWindowMs ?? FLOOR_WINDOW_MS;
    // Against the least lateness of the last minutes: a remote engine's clock may be off ours by
    // more than 100 ms; an event stamped ahead (a clock stepped back) must not make every later one
    // late for the rest of the session (a listing at each burst of events).
    let [least, before, since] = [Infinity, Infinity, subscribedAt];
    const floorAt = (now: number): number => {
      if (now - since >= windowMs)
        [least, before, since] = [Infinity, now - since >= 2 * windowMs ? Infinity : least, now];
      return Math.min(least, before);
    };
    // A session whose first event (sent since we asked: not a reconnect's replay) is late by our
    // clock has no prompter one to measure by: its first run is measured by our clock, or one
    // starved from its start would drop unseen (an engine whose clock is behind: one listing more).
    let byOurClock = false;
    const lateness = (e: EngineEvent): number => {
      const sent = sentAt(e);
      if (sent === undefined) return 0;
      const now = scheduler.now();
      const ms = now - sent;
      const floor = floorAt(now);
      if (floor === Infinity && sent >= subscribedAt && isLate(ms)) byOurClock = true;
      else if (!isLate(ms)) byOurClock = false;
      least = Math.min(least, ms);
      return byOurClock ? ms : ms - Math.min(floor, ms);
    };
    const late = events.pipe(map(lateness), share());
    const caughtUp = late.pipe(
      filter(isLate),
      exhaustMap((first) =>
        merge(
          late.pipe(filter((ms) => !isLate(ms))),
          late.pipe(filter(isLate), startWith(first), debounceTime(options.quietMs ?? RELIST_QUIET_MS, scheduler)),
        ).pipe(
          take(1),
          map(() => first),
        ),
      ),
      // The events' end is the session's: no listing after it.
      takeUntilEnd(events),
      tap((first) => {
        byOurClock = false;
        options.onBehind?.(first);
      }),
      map((): typeof RELIST => RELIST),
    );
    return merge(events, caughtUp).pipe(concatMap((e): Observable<L | EngineEvent> => (e === RELIST ? list() : of(e))));
  });
}
