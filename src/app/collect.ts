import { hostname } from 'node:os';
import {
  EMPTY,
  type Observable,
  type Observer,
  type SchedulerLike,
  asyncScheduler,
  defer,
  distinctUntilChanged,
  finalize,
  interval,
  map,
  merge,
  of,
  tap,
} from 'rxjs';
import type { AlertInput } from '../alert/alertInput.js';
import type { Config } from '../config/keys.js';
import { type Logger, silentLogger } from '../model/logger.js';
import type { Point } from '../model/point.js';
import { toNanoString } from '../model/timestamp.js';
import { type Engine, closeEngine, connectEngine } from '../sources/engine/engine.js';
import { readWindowsWhileFew } from '../sources/readWindows.js';
import { metricFields } from '../telemetry/catalogue.js';
import { openStreams } from '../telemetry/openStreams.js';
import type { TelemetryState } from '../telemetry/telemetryState.js';
import { enginePoints } from './enginePoints.js';
import { type TelemetryBus, telemetryBus } from './telemetryBus.js';

export interface CollectDeps {
  readonly log?: Logger;
  /**
   * Where every stage reports, and whose fold the `internal` point reads. Give one made inside
   * your own subscription (as the daemon's run and `top` do) to read it; default: a bus of the
   * subscription's own.
   */
  readonly telemetry?: TelemetryBus;
  /** The engines, connected already (to check DOCKER_HOST early); default: connected on subscription. */
  readonly engines?: readonly Engine[];
  /** For DOCKER_TLS_VERIFY / DOCKER_CERT_PATH; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** A full buffer with BUFFER_POLICY=block: stream reads pause, the cgroup source skips samples. */
  readonly pressure$?: Observable<boolean> | undefined;
  readonly scheduler?: SchedulerLike;
  /** Wall-clock ms (with a fraction) for the records a source makes itself; default the scheduler's now. */
  readonly clock?: () => number;
  /** With alert rules in force: where the lifecycle's statuses and removals go (`Alerting.inputs`). */
  readonly alertInputs?: Observer<AlertInput> | undefined;
}

/** A client per DOCKER_HOST entry (throws EngineConfigError on one it cannot be made for); nothing connects yet. */
export const connectEngines = (config: Config, env: NodeJS.ProcessEnv = process.env): Engine[] =>
  config.dockerHost.map((host) => connectEngine({ ...env, DOCKER_HOST: host }));

/** The self-metrics as one `internal` point, for users who read them from the database. */
function internalPoint(state: TelemetryState, nowMs: number): Point {
  const timestamp = toNanoString({ seconds: Math.floor(nowMs / 1000), nanos: Math.floor(nowMs % 1000) * 1e6 });
  return { measurement: 'internal', tags: { host: hostname() }, fields: metricFields(state), timestamp };
}

/**
 * Collection, as the configuration says: every engine's points (`enginePoints`, tagged with its
 * `host`), merged, and with INTERNAL_METRICS the `internal` point every FLUSH_INTERVAL_MS. The
 * daemon delivers them; `top` folds them into rows. Everything is taken on subscription (the
 * engines' clients, their streams, the read windows, the telemetry) and let go on unsubscribe:
 * calling it opens nothing, and each subscription is a collection of its own.
 *
 * ```
 * engine A: --a----a----a--
 * engine B: ----b----b-----
 * internal: -------i-------i   (INTERNAL_METRICS, every FLUSH_INTERVAL_MS)
 * result:   --a-b--(ia)b-a-i
 * ```
 */
export function collect(config: Config, deps: CollectDeps = {}): Observable<Point> {
  return defer(() => {
    const log = deps.log ?? silentLogger;
    const scheduler = deps.scheduler ?? asyncScheduler;
    const telemetry = deps.telemetry ?? telemetryBus();
    const engines = deps.engines ?? connectEngines(config, deps.env);
    // Open streams, for the read windows (which pause streams only while there are few).
    const streams = openStreams(telemetry.events$);
    const pressure$ = deps.pressure$;
    // Polls are already periodic; read windows are for streams.
    const paused$ =
      config.mode === 'stream' && config.readInterval > 0
        ? (pressure$ ?? of(false)).pipe(
            readWindowsWhileFew(
              streams.count$.pipe(distinctUntilChanged()),
              { everyMs: config.readInterval },
              scheduler,
            ),
          )
        : pressure$;
    const pointsOf = enginePoints(config, {
      log,
      telemetry,
      scheduler,
      clock: deps.clock,
      paused$,
      pressure$,
      alertInputs: deps.alertInputs,
    });
    const internal$ = config.internalMetrics
      ? interval(config.flushInterval, scheduler).pipe(
          map(() => internalPoint(telemetry.state(), scheduler.now())),
          tap(() => telemetry.next({ type: 'internal-point' })),
        )
      : EMPTY;
    return merge(...engines.map((engine, i) => pointsOf(engine, config.hostTag[i])), internal$).pipe(
      finalize(() => {
        streams.subscription.unsubscribe();
        if (deps.telemetry === undefined) telemetry.close();
        // Clients made here are this subscription's: their keep-alive sockets go with it.
        if (deps.engines === undefined) engines.forEach(closeEngine);
      }),
    );
  });
}
