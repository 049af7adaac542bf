import {
  EMPTY,
  NEVER,
  type Observable,
  ReplaySubject,
  type SchedulerLike,
  Subject,
  asyncScheduler,
  concat,
  defer,
  filter,
  finalize,
  from,
  merge,
  share,
  skip,
  switchMap,
  take,
  takeUntil,
  tap,
  throwError,
  timer,
} from 'rxjs';
import { collect } from '../app/collect.js';
import type { Delivery } from '../app/delivery.js';
import { telemetryBus } from '../app/telemetryBus.js';
import type { Config } from '../config/keys.js';
import type { PointSink } from '../deliver/pointSink.js';
import type { Logger } from '../model/logger.js';
import type { DeliveryEvent } from '../model/telemetry.js';
import { logEngines } from '../telemetry/logEngines.js';
import { SpoolTakenError } from './holdSpool.js';
import { holdRun } from './holdRun.js';
import { type StopTotals, stopSummary } from './stopSummary.js';

export interface DaemonDeps {
  readonly log: Logger;
  /** Wall-clock ms (with a fraction) for the records a source makes itself. */
  readonly clock?: () => number;
  /** For DOCKER_TLS_VERIFY / DOCKER_CERT_PATH; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly scheduler?: SchedulerLike;
  /**
   * Requests to stop, by name (SIGTERM): the first stops reading and writes what is buffered
   * (SHUTDOWN_TIMEOUT at the most); a second ends the run at once, with ForcedStopError.
   */
  readonly stop$?: Observable<string>;
  /** Writes what waits now (SIGUSR1). */
  readonly flush$?: Observable<unknown>;
  /** Ends the run at once, as stopped (stdout's reader went away). */
  readonly quit$?: Observable<unknown>;
  /** Where points go, each sink with its own buffer; default: what the config says (`sinksFor`). */
  readonly sinks?: readonly PointSink[];
}

/** A second request to stop: the run ended at once, without waiting for the flush. */
export class ForcedStopError extends Error {
  constructor(readonly signal: string) {
    super(`${signal} while stopping: exited at once`);
    this.name = 'ForcedStopError';
  }
}

/**
 * The daemon: collect -> deliver, with everything it holds taken on subscription, in this
 * order (the order its start-up errors are found in): the spool's lock (SpoolLockedError,
 * SpoolError), the sink and buffer (SpoolError), the engines' clients (EngineConfigError),
 * /metrics (MetricsPortError); then it subscribes the sinks, which open their spools (SpoolError),
 * logs that it started, and collects. It completes after
 * a stop once the buffer is written (logging what became of the points), or at
 * SHUTDOWN_TIMEOUT, or at `quit$`; fails with ForcedStopError on a second stop, SpoolTakenError
 * when another daemon took the spool. Whatever way it ends, it lets go of what it holds.
 */
export function runDaemon(config: Config, deps: DaemonDeps): Observable<DeliveryEvent> {
  return defer(() => {
    const { log } = deps;
    const scheduler = deps.scheduler ?? asyncScheduler;
    const telemetry = telemetryBus();
    telemetry.events$.pipe(logEngines(log)).subscribe();
    const stopReading$ = new ReplaySubject<void>(1);
    const spoolLost$ = new Subject<string>();
    let stopping = false;
    let forcedBy: string | undefined;
    let spoolTaken = false;

    const totals = (): StopTotals => {
      const s = telemetry.state();
      return {
        collected: s.pointsCollected,
        written: s.pointsWritten,
        dropped: s.pointsDropped,
        rejected: s.pointsRejected,
      };
    };
    const { held, start, release } = holdRun(config, deps, telemetry, scheduler, () => {
      spoolTaken = true;
      spoolLost$.next('SPOOL_DIR taken by another daemon');
    });
    const buffered = (): number => held.delivery?.buffered() ?? 0;
    // What became of the points, once the sinks closed.
    const saySummary = (delivery: Delivery): void => {
      const lost = delivery.closeBuffer();
      const { level, fields, msg } = stopSummary(
        totals(),
        delivery.buffered() - lost,
        config.spoolDir !== undefined,
        lost,
      );
      log[level](fields, msg);
    };
    const summary$ = (delivery: Delivery): Observable<never> =>
      defer(() => {
        saySummary(delivery);
        return EMPTY;
      });
    // Set once the points' delivery ended (the sinks closed): a timeout after it waited on alerts alone.
    let pointsEnded = false;
    // Said once the sinks took their spools (subscribed first in the merge): a spool that is refused is no start.
    const announce$ = (delivery: Delivery): Observable<never> =>
      defer(() => {
        log.info(
          {
            engines: config.dockerHost,
            sink: delivery.description,
            mode: config.mode,
            metricsPort: config.metricsPort || 'off',
          },
          'docker-stats-service started',
        );
        return EMPTY;
      });
    const delivered$ = from(start()).pipe(
      switchMap(({ delivery, engines }) => {
        const { clock, env } = deps;
        const alerting = held.alerting;
        const options = {
          log,
          telemetry,
          engines,
          pressure$: delivery.pressure$,
          scheduler,
          env,
          clock,
          alertInputs: alerting?.inputs,
        };
        const collected$ = collect(config, options).pipe(takeUntil(stopReading$));
        const points$ = alerting ? collected$.pipe(alerting.wire) : collected$;
        // The alerts' notices after the points: the wire made its last ones as the points ended.
        const notified$ = defer(() => {
          pointsEnded = true;
          return alerting?.delivered$ ?? EMPTY;
        });
        return concat(merge(points$.pipe(delivery.deliver), announce$(delivery)), notified$, summary$(delivery));
      }),
    );

    // Stop requests: signals, and the spool taken (unless stopping already: it is no second signal).
    const requests$ = merge(deps.stop$ ?? NEVER, spoolLost$.pipe(filter(() => !stopping))).pipe(share());
    const timedOut$ = requests$.pipe(
      take(1),
      tap((signal) => {
        stopping = true;
        log.info(
          { signal, timeoutMs: config.shutdownTimeout, buffered: buffered() },
          'stopping: flushing what is buffered',
        );
        stopReading$.next();
      }),
      switchMap(() => timer(config.shutdownTimeout, scheduler)),
      tap(() => {
        const { delivery, alerting } = held;
        if (pointsEnded && delivery) {
          // The points are all out: say so, and that the alert notices were what was waited for.
          saySummary(delivery);
          log.error(
            { receivers: alerting?.undelivered() ?? [] },
            'shutdown timeout: exiting with alert notices not delivered',
          );
          return;
        }
        // Not delivered: what waits in the buffer and what was taken from it to be written.
        const inFlight = telemetry.state().inFlightPoints;
        const points = buffered() + inFlight;
        log.error(
          { ...totals(), points, buffered: buffered(), inFlight },
          'shutdown timeout: exiting with points not delivered',
        );
      }),
    );
    const forced$ = requests$.pipe(
      skip(1),
      take(1),
      tap((signal) => {
        log.warn({ signal }, 'second signal: exiting at once');
        forcedBy = signal;
      }),
    );
    const ended$ = defer(() =>
      forcedBy !== undefined
        ? throwError(() => new ForcedStopError(forcedBy!))
        : spoolTaken && config.spoolDir !== undefined
          ? throwError(() => new SpoolTakenError(config.spoolDir!))
          : EMPTY,
    );
    return concat(delivered$.pipe(takeUntil(merge(timedOut$, forced$, deps.quit$ ?? NEVER))), ended$).pipe(
      finalize(release),
    );
  });
}
