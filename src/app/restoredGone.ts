import {
  EMPTY,
  type Observable,
  type SchedulerLike,
  asyncScheduler,
  defer,
  from,
  mergeMap,
  repeat,
  tap,
  timer,
} from 'rxjs';
import type { ContainerRef } from '../model/container.js';
import { statusOf } from '../rx/retryBackoff.js';
import type { Engine } from '../sources/engine/engine.js';
import { inspectContainer } from '../sources/engine/inspect.js';

/** At most this many inspects at once: a restored state may name many containers. */
const AT_ONCE = 4;
/** How soon the restored containers not yet gone are looked at again, at first. */
export const RESTORED_RECHECK_MS = 10_000;
/** At most this long between two looks: one kept for days costs an inspect every 2 min, not 8,640 a day. */
export const RESTORED_RECHECK_MAX_MS = 120_000;

/** The wait before look `round` + 1 (round 1 is the start's): doubling from `everyMs` up to `maxMs`. */
export const recheckDelayMs = (round: number, everyMs = RESTORED_RECHECK_MS, maxMs = RESTORED_RECHECK_MAX_MS): number =>
  Math.min(everyMs * 2 ** Math.min(round - 1, 30), maxMs);

/** Whether an engine no longer has the container: its inspect answers 404 (another failure: not gone). */
const goneFrom = (engine: Engine, id: string): Promise<boolean> =>
  inspectContainer(engine, id).then(
    () => false,
    (error: unknown) => statusOf(error) === 404,
  );

/**
 * The containers of a restored alert state that no engine has any more, each once: at start
 * (removed while the daemon was down), then again after `everyMs`, waits doubling up to `maxMs`
 * (most are gone at the start; one still there may stay for days), until each is gone. The lifecycle
 * may never tell of them: it never knew one removed while the daemon was down, nor an exited
 * one the state filter (INCLUDE_STATES) leaves out of the listing, whose destroy is then of an
 * unknown container. Without this look their alerts stayed firing, told again at every repeat.
 *
 * ```
 * restored: [a, b]            (a removed while down; b exited, still there)
 * inspects: -a404,b200--b200----b404-      (waits 2, then 4)
 * result:   -a-------------------b|
 * ```
 */
export function restoredGone(
  engines: readonly Engine[],
  restored: readonly ContainerRef[],
  everyMs = RESTORED_RECHECK_MS,
  scheduler: SchedulerLike = asyncScheduler,
  maxMs = RESTORED_RECHECK_MAX_MS,
): Observable<ContainerRef> {
  return defer(() => {
    if (engines.length === 0) return from([]);
    const left = new Map(restored.map((c) => [c.id, c]));
    const isGone = async (c: ContainerRef): Promise<ContainerRef[]> =>
      (await Promise.all(engines.map((e) => goneFrom(e, c.id)))).every(Boolean) ? [c] : [];
    // One round at a time: the next waits for a slow engine's answers.
    const round$ = defer(() =>
      from([...left.values()]).pipe(
        mergeMap(isGone, AT_ONCE),
        mergeMap((gone) => gone),
        tap((c) => left.delete(c.id)),
      ),
    );
    return round$.pipe(
      repeat({ delay: (round) => (left.size > 0 ? timer(recheckDelayMs(round, everyMs, maxMs), scheduler) : EMPTY) }),
    );
  });
}
