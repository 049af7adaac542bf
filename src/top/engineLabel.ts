import { type Engine, engineProduct } from '../sources/engine/engine.js';

/** `Docker 20.10.24 on /var/run/docker.sock`, `Podman 4.3.1 on ...`, from the engine's /version. */
export async function engineLabel(engine: Engine): Promise<string> {
  const product = await engineProduct(engine);
  if (product === undefined) return `${engine.address} (not answering yet)`;
  return `${product} on ${engine.address.replace(/^unix:\/\//, '')}`;
}
