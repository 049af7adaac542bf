import { isLeft } from 'fp-ts/lib/Either.js';
import { type MonoTypeOperatorFunction, type Observable, type SchedulerLike, asyncScheduler, defer } from 'rxjs';
import { retryBackoff, statusOf } from '../../rx/retryBackoff.js';
import { formatErrors } from '../../validate/formatErrors.js';
import type { Engine } from './engine.js';
import { InspectedContainer } from './engineCodecs.js';

/** An inspect answer that does not decode: the engine answered, and will answer the same again. */
export class InspectUndecodable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectUndecodable';
  }
}

/** A container's inspect answer, decoded; rejects with dockerode's error (404: gone) or names what did not decode. */
export async function inspectContainer(engine: Engine, id: string): Promise<InspectedContainer> {
  const answer: unknown = await engine.docker.getContainer(id).inspect();
  const decoded = InspectedContainer.decode(answer);
  if (isLeft(decoded))
    throw new InspectUndecodable(`inspect of ${id} from ${engine.address}: ${formatErrors(decoded.left).join('; ')}`);
  return decoded.right;
}

/** Retries of an inspect that fails for a passing reason (a 500, a reset socket), and their first delay. */
export const INSPECT_RETRIES = 4;
export const INSPECT_RETRY_BASE_MS = 200;

/** An error no retry of the inspect will change: the container is gone (404), or its answer does not decode. */
export const inspectWillNotChange = (error: unknown): boolean =>
  statusOf(error) === 404 || error instanceof InspectUndecodable;

/**
 * An inspect retried with backoff (full jitter from 200 ms, 4 retries: a few seconds in all) on
 * every error but a 404 (the container is gone: no answer will change that) and an answer that
 * does not decode. A single 500 of a busy engine must not cost a container its lifecycle points
 * or its cgroup source. `random` is the jitter's source (tests fix it).
 *
 * ```
 * inspect: -#                                    (a 500, then the engine answers)
 * result:  -(wait < 200 ms)-i|                   (404 or undecodable: the error at once)
 * ```
 */
export function retryInspect<T>(
  options: { readonly random?: () => number } = {},
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  return retryBackoff<T>(
    {
      baseMs: INSPECT_RETRY_BASE_MS,
      maxRetries: INSPECT_RETRIES,
      classify: (error) => (inspectWillNotChange(error) ? 'fail' : 'retry'),
      ...(options.random ? { random: options.random } : {}),
    },
    scheduler,
  );
}

/** `inspectContainer` as an Observable, through `retryInspect`. */
export function inspect$(
  engine: Engine,
  id: string,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<InspectedContainer> {
  return defer(() => inspectContainer(engine, id)).pipe(retryInspect({}, scheduler));
}
