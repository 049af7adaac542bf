import {
  type Observable,
  type SchedulerLike,
  asyncScheduler,
  defer,
  exhaustMap,
  from,
  mergeMap,
  takeWhile,
  tap,
  timer,
} from 'rxjs';
import type { ContainerRef } from '../model/container.js';
import { statusOf } from '../rx/retryBackoff.js';
import type { Engine } from '../sources/engine/engine.js';
import { inspectContainer } from '../sources/engine/inspect.js';

/** At most this many inspects at once: a restored state may name many containers. */
const AT_ONCE = 4;
/** How often the restored containers not yet gone are looked at again. */
export const RESTORED_RECHECK_MS = 10_000;

/** Whether an engine no longer has the container: its inspect answers 404 (another failure: not gone). */
const goneFrom = (engine: Engine, id: string): Promise<boolean> =>
  inspectContainer(engine, id).then(
    () => false,
    (error: unknown) => statusOf(error) === 404,
  );

/**
 * The containers of a restored alert state that no engine has any more, each once: at start
 * (removed while the daemon was down), then every `everyMs` until each is gone. The lifecycle
 * may never tell of them: it never knew one removed while the daemon was down, nor an exited
 * one the state filter (INCLUDE_STATES) leaves out of the listing, whose destroy is then of an
 * unknown container. Without this look their alerts stayed firing, told again at every repeat.
 *
 * ```
 * restored: [a, b]            (a removed while down; b exited, still there)
 * inspects: -a404,b200---------b404-
 * result:   -a-----------------b|
 * ```
 */
export function restoredGone(
  engines: readonly Engine[],
  restored: readonly ContainerRef[],
  everyMs = RESTORED_RECHECK_MS,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<ContainerRef> {
  return defer(() => {
    if (engines.length === 0) return from([]);
    const left = new Map(restored.map((c) => [c.id, c]));
    const isGone = async (c: ContainerRef): Promise<ContainerRef[]> =>
      (await Promise.all(engines.map((e) => goneFrom(e, c.id)))).every(Boolean) ? [c] : [];
    return timer(0, everyMs, scheduler).pipe(
      takeWhile(() => left.size > 0),
      // A round still under way (a slow engine) is not overlapped by the next.
      exhaustMap(() =>
        from([...left.values()]).pipe(
          mergeMap(isGone, AT_ONCE),
          mergeMap((gone) => gone),
          tap((c) => left.delete(c.id)),
        ),
      ),
    );
  });
}
