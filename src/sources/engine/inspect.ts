import { isLeft } from 'fp-ts/lib/Either.js';
import { formatErrors } from '../../validate/formatErrors.js';
import type { Engine } from './engine.js';
import { InspectedContainer } from './engineCodecs.js';

/** A container's inspect answer, decoded; rejects with dockerode's error (404: gone) or names what did not decode. */
export async function inspectContainer(engine: Engine, id: string): Promise<InspectedContainer> {
  const answer: unknown = await engine.docker.getContainer(id).inspect();
  const decoded = InspectedContainer.decode(answer);
  if (isLeft(decoded))
    throw new Error(`inspect of ${id} from ${engine.address}: ${formatErrors(decoded.left).join('; ')}`);
  return decoded.right;
}
