import { hostname } from 'node:os';
import type { Logger } from '../model/logger.js';
import { type Engine, engineIsLocal } from '../sources/engine/engine.js';

/** The `host` tag: configured, else the engine's own name, else this machine's / the address's host name. */
export async function hostTagOf(engine: Engine, configured: string | undefined, log: Logger): Promise<string> {
  if (configured) return configured;
  try {
    const info = (await engine.docker.info()) as { Name?: string };
    if (info.Name) return info.Name;
  } catch (err) {
    log.warn({ engine: engine.address, err }, 'cannot ask the engine its name for the host tag; using the address');
  }
  return engineIsLocal(engine.address) ? hostname() : new URL(engine.address.replace(/^tcp:/, 'http:')).hostname;
}
