import { hostname } from 'node:os';
import { lastValueFrom } from 'rxjs';
import type { Logger } from '../model/logger.js';
import { ENGINE_ANSWER_MS, abortable, askEngine } from '../sources/engine/askEngine.js';
import { type Engine, engineIsLocal } from '../sources/engine/engine.js';

/**
 * The `host` tag: configured, else the engine's own name, else this machine's / the address's host
 * name. An engine that does not answer /info within `answerMs` gets the latter: the source starts
 * anyway, and reports the engine down if it stays silent.
 */
export async function hostTagOf(
  engine: Engine,
  configured: string | undefined,
  log: Logger,
  answerMs = ENGINE_ANSWER_MS,
): Promise<string> {
  if (configured) return configured;
  try {
    const info$ = askEngine(
      engine.address,
      'GET /info',
      (abortSignal) => abortable(engine.docker).info({ abortSignal }),
      answerMs,
    );
    const info = (await lastValueFrom(info$)) as { Name?: string };
    if (info.Name) return info.Name;
  } catch (err) {
    log.warn({ engine: engine.address, err }, 'cannot ask the engine its name for the host tag; using the address');
  }
  return engineIsLocal(engine.address) ? hostname() : new URL(engine.address.replace(/^tcp:/, 'http:')).hostname;
}
