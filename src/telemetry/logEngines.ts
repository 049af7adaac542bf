import { type MonoTypeOperatorFunction, defer, tap } from 'rxjs';
import type { Logger } from '../model/logger.js';
import type { SourceEvent, TelemetryEvent } from '../model/telemetry.js';

type Described = Extract<SourceEvent, { type: 'engine-described' }>;

/**
 * Logs what someone starting the daemon needs to see in the first minute, from the sources'
 * events, per engine: at its first `engine-up`, how many containers are watched, on which engine
 * (Docker or Podman and its version) and where their stats come from; and, when that was none,
 * once when the first container's stream opens, so that a quiet start does not look like a hang.
 * Reconnections are the sources' to log ("Docker engine is back").
 *
 * ```
 * events: -d-u(0)----o----o--u(2)--   (d: engine-described, u: engine-up, o: stream-opened)
 * logged: ---w-------f-------------   (w: watching 0 containers ..., f: the first container)
 * ```
 */
export function logEngines(log: Logger): MonoTypeOperatorFunction<TelemetryEvent> {
  return (events$) =>
    defer(() => {
      const described = new Map<string, Described>();
      // Per engine, once its start is logged: whether it still waits for its first container.
      const waiting = new Map<string, boolean>();
      return events$.pipe(
        tap((event) => {
          if (event.type === 'engine-described') described.set(event.engine, event);
          else if (event.type === 'engine-up' && !waiting.has(event.engine)) {
            const { engine, watched, product } = event;
            const { statsSource, readsFrom } = described.get(engine) ?? {};
            const containers = `${watched} container${watched === 1 ? '' : 's'}`;
            const source = readsFrom ? `, stats from ${readsFrom} (STATS_SOURCE=${statsSource})` : '';
            const wait = watched === 0 ? '; none matches yet: the first one to start is logged' : '';
            log.info(
              { engine, watched, product, statsSource, readsFrom },
              `watching ${containers} on ${engine} (${product ?? 'version unknown'})${source}${wait}`,
            );
            waiting.set(engine, watched === 0);
          } else if (event.type === 'stream-opened' && waiting.get(event.engine) === true) {
            const { engine, container, source } = event;
            log.info(
              { engine, container, source },
              `the first container is watched: ${container} (stats source ${source})`,
            );
            waiting.set(engine, false);
          }
        }),
      );
    });
}
