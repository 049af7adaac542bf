import { hostname } from 'node:os';
import {
  BehaviorSubject,
  type Observable,
  type SchedulerLike,
  Subject,
  asyncScheduler,
  distinctUntilChanged,
  interval,
  map,
  merge,
  of,
  scan,
  share,
  takeUntil,
  tap,
} from 'rxjs';
import type { Config } from '../config/keys.js';
import type { PointSink } from '../deliver/pointSink.js';
import { type Logger, silentLogger } from '../model/logger.js';
import type { Point } from '../model/point.js';
import type { DeliveryEvent, TelemetryEvent } from '../model/telemetry.js';
import { toNanoString } from '../model/timestamp.js';
import { type Engine, connectEngine } from '../sources/engine/engine.js';
import { readWindowsWhileFew } from '../sources/readWindows.js';
import { metricFields } from '../telemetry/catalogue.js';
import { logEngines } from '../telemetry/logEngines.js';
import { openStreams } from '../telemetry/openStreams.js';
import { type TelemetryState, foldTelemetry, initialTelemetry } from '../telemetry/telemetryState.js';
import { enginePoints } from './enginePoints.js';
import { sinksFor } from './sinksFor.js';

export interface ServiceDeps {
  /** Where points go, each sink with its own buffer; default: what the config says (`sinksFor`). */
  readonly sinks?: readonly PointSink[];
  readonly log?: Logger;
  /** For DOCKER_TLS_VERIFY / DOCKER_CERT_PATH; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly scheduler?: SchedulerLike;
  /** Wall-clock ms (with a fraction) for the records a source makes itself; default the scheduler's now. */
  readonly clock?: () => number;
}

export interface Service {
  /** The running pipeline: subscribing starts it; it completes after `stop()` once the buffer is written. */
  readonly run$: Observable<DeliveryEvent>;
  /** Every stage's telemetry, as it happens. */
  readonly telemetry$: Observable<TelemetryEvent>;
  /** The fold of the telemetry so far: counters, engines, streams, buffer, health. */
  readonly state$: Observable<TelemetryState>;
  /** The latest state, for scrapes. */
  snapshot(): TelemetryState;
  readonly sinks: readonly PointSink[];
  /**
   * For main's stop summary until it reads the events: points buffered over every sink (once
   * they closed, what they left), and `close()`, the points their spools' disks refused (told by
   * their `sink-closed` events; each sink lets go of its files itself).
   */
  readonly buffer: { readonly points: number; close(): number };
  /** For main's log: the sinks' descriptions; `close()` does nothing (each sink closes itself). */
  readonly sink: { readonly description: string; close(): void };
  /** Writes what is waiting now (SIGUSR1). */
  flush(): void;
  /** Stops reading the engines; what was collected is still written. */
  stop(): void;
}

/** The self-metrics as one `internal` point, for users who read them from the database. */
function internalPoint(state: TelemetryState, nowMs: number): Point {
  const timestamp = toNanoString({ seconds: Math.floor(nowMs / 1000), nanos: Math.floor(nowMs % 1000) * 1e6 });
  return { measurement: 'internal', tags: { host: hostname() }, fields: metricFields(state), timestamp };
}

/**
 * The composition root: from a configuration, for every engine, its source's decoded stats ->
 * points (tagged with the engine's `host`); merged, then into each sink (which encodes, batches,
 * buffers and writes them itself).
 * Every stage reports to one telemetry Subject, folded with `scan` into the service's state.
 */
export function createService(config: Config, deps: ServiceDeps = {}): Service {
  const log = deps.log ?? silentLogger;
  const sinks = deps.sinks ?? sinksFor(config, { log });
  const scheduler = deps.scheduler ?? asyncScheduler;
  const telemetry = new Subject<TelemetryEvent>();
  const state = new BehaviorSubject(initialTelemetry());
  telemetry.pipe(scan(foldTelemetry, state.value)).subscribe((s) => state.next(s));
  telemetry.pipe(logEngines(log)).subscribe();
  const flush$ = new Subject<void>();
  const stopReading$ = new Subject<void>();

  // Open streams, for the read windows (which pause streams only while there are few).
  const streams$ = openStreams(telemetry).count$.pipe(distinctUntilChanged());
  // Full while any sink's buffer is full (`block`): told by the sinks' buffer-pressure events.
  const full = new Map<string, boolean>();
  const fullness = new BehaviorSubject(false);
  const pressure$ = config.bufferPolicy === 'block' ? fullness.pipe(distinctUntilChanged()) : undefined;
  // Polls are already periodic; read windows are for streams.
  const paused$ =
    config.mode === 'stream' && config.readInterval > 0
      ? (pressure$ ?? of(false)).pipe(readWindowsWhileFew(streams$, { everyMs: config.readInterval }, scheduler))
      : pressure$;

  const pointsOf = enginePoints(config, { log, telemetry, scheduler, clock: deps.clock, paused$, pressure$ });

  const env = deps.env ?? process.env;
  const engines = config.dockerHost.map((host) => connectEngine({ ...env, DOCKER_HOST: host }));
  const collected$ = merge(...engines.map((engine: Engine, i) => pointsOf(engine, config.hostTag[i])));
  const internal$ = config.internalMetrics
    ? interval(config.flushInterval, scheduler).pipe(
        map(() => internalPoint(state.value, scheduler.now())),
        tap(() => telemetry.next({ type: 'internal-point' })),
      )
    : [];

  // Left in the buffers when the sinks closed, and lost from memory: for main's stop summary.
  const closed = new Map<string, { points: number; lost: number }>();
  const sum = (key: 'points' | 'lost'): number => [...closed.values()].reduce((n, c) => n + c[key], 0);
  const told = (event: DeliveryEvent): void => {
    telemetry.next(event);
    if (event.type === 'sink-closed') closed.set(event.sink ?? '', event);
    if (event.type === 'buffer-pressure') {
      full.set(event.sink ?? '', event.full);
      fullness.next([...full.values()].some(Boolean));
    }
  };
  const read$ = merge(collected$, internal$).pipe(takeUntil(stopReading$));
  // One sink reads the points itself; several share one subscription to the sources.
  const points$ = sinks.length === 1 ? read$ : read$.pipe(share());
  const controls = { flush$ };
  const run$ = merge(...sinks.map((sink) => sink.deliver(points$, controls, scheduler))).pipe(
    tap({ next: told }),
    share(),
  );
  return {
    run$,
    telemetry$: telemetry.asObservable(),
    state$: state.asObservable(),
    snapshot: () => state.value,
    sinks,
    buffer: {
      get points() {
        return closed.size === sinks.length ? sum('points') : state.value.bufferPoints;
      },
      close: () => sum('lost'),
    },
    sink: { description: sinks.map((sink) => sink.description).join(', '), close: () => undefined },
    flush: () => flush$.next(),
    stop: () => stopReading$.next(),
  };
}
