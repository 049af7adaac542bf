import { isLeft } from 'fp-ts/lib/Either.js';
import { type Observable, type SchedulerLike, asyncScheduler, defer } from 'rxjs';
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

/**
 * `inspectContainer` as an Observable, retried with backoff (full jitter from 200 ms, 4 retries:
 * a few seconds in all) on every error but a 404 (the container is gone: no answer will change
 * that) and an answer that does not decode. A single 500 of a busy engine must not cost a
 * container its lifecycle points or its cgroup source.
 *
 * ```
 * engine:  -500-------500-----------{…}|
 * result:  -----(wait)----(wait)----i|      (404 or undecodable: the error at once)
 * ```
 */
export function inspect$(
  engine: Engine,
  id: string,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<InspectedContainer> {
  return defer(() => inspectContainer(engine, id)).pipe(
    retryBackoff(
      {
        baseMs: INSPECT_RETRY_BASE_MS,
        maxRetries: INSPECT_RETRIES,
        classify: (error) => (statusOf(error) === 404 || error instanceof InspectUndecodable ? 'fail' : 'retry'),
      },
      scheduler,
    ),
  );
}
