import { type Observable, defer, from, mergeMap } from 'rxjs';
import type { ContainerRef } from '../model/container.js';
import { statusOf } from '../rx/retryBackoff.js';
import type { Engine } from '../sources/engine/engine.js';
import { inspectContainer } from '../sources/engine/inspect.js';

/** At most this many inspects at once: a restored state may name many containers. */
const AT_ONCE = 4;

/** Whether an engine no longer has the container: its inspect answers 404 (another failure: not gone). */
const goneFrom = (engine: Engine, id: string): Promise<boolean> =>
  inspectContainer(engine, id).then(
    () => false,
    (error: unknown) => statusOf(error) === 404,
  );

/**
 * The containers of a restored alert state that no engine has any more: removed while the daemon
 * was down. No event, listing or status will tell of them (the lifecycle never knew them), so
 * without this look their alerts stayed firing, and were told again at every repeat, forever.
 *
 * ```
 * restored: [a, b]          (a removed while down; b still there)
 * inspects: -404-200-
 * result:   -a-|
 * ```
 */
export function restoredGone(engines: readonly Engine[], restored: readonly ContainerRef[]): Observable<ContainerRef> {
  return defer(() =>
    engines.length === 0
      ? from([])
      : from(restored).pipe(
          mergeMap(
            async (c) => ((await Promise.all(engines.map((e) => goneFrom(e, c.id)))).every(Boolean) ? [c] : []),
            AT_ONCE,
          ),
          mergeMap((gone) => gone),
        ),
  );
}
