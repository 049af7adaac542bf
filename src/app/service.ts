import { hostname } from 'node:os';
import {
  BehaviorSubject,
  type Observable,
  type SchedulerLike,
  Subject,
  asyncScheduler,
  distinctUntilChanged,
  filter,
  interval,
  map,
  merge,
  of,
  scan,
  share,
  startWith,
  takeUntil,
  tap,
} from 'rxjs';
import { batchLines } from '../batch/batchLines.js';
import type { Config } from '../config/keys.js';
import type { DeliveryBuffer } from '../deliver/deliveryBuffer.js';
import type { LineSink } from '../deliver/sink.js';
import { writeBatches } from '../deliver/writeBatches.js';
import { toLineProtocol } from '../encode/toLineProtocol.js';
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
import { bufferFor } from './bufferFor.js';
import { enginePoints } from './enginePoints.js';
import { sinkFor } from './sinkFor.js';

export interface ServiceDeps {
  /** Where batches go; default: what the config says (`sinkFor`). */
  readonly sink?: LineSink;
  /** Where batches wait; default: what the config says (`bufferFor`: memory, or the disk spool). */
  readonly buffer?: DeliveryBuffer;
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
  readonly buffer: DeliveryBuffer;
  readonly sink: LineSink;
  /** Writes what is waiting now (SIGUSR1). */
  flush(): void;
  /** Stops reading the engines; what was collected is still written. */
  stop(): void;
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** The self-metrics as one `internal` point, for users who read them from the database. */
function internalPoint(state: TelemetryState, nowMs: number): Point {
  const timestamp = toNanoString({ seconds: Math.floor(nowMs / 1000), nanos: Math.floor(nowMs % 1000) * 1e6 });
  return { measurement: 'internal', tags: { host: hostname() }, fields: metricFields(state), timestamp };
}

/**
 * The composition root: from a configuration, for every engine, its source's decoded stats ->
 * points (tagged with the engine's `host`) -> line protocol; merged, then batch -> buffer -> sink.
 * Every stage reports to one telemetry Subject, folded with `scan` into the service's state.
 */
export function createService(config: Config, deps: ServiceDeps = {}): Service {
  const sink = deps.sink ?? sinkFor(config);
  const log = deps.log ?? silentLogger;
  const scheduler = deps.scheduler ?? asyncScheduler;
  const telemetry = new Subject<TelemetryEvent>();
  const state = new BehaviorSubject(initialTelemetry());
  telemetry.pipe(scan(foldTelemetry, state.value)).subscribe((s) => state.next(s));
  telemetry.pipe(logEngines(log)).subscribe();
  const buffer = deps.buffer ?? bufferFor(config);
  const replayed = buffer.replay;
  if (replayed) {
    telemetry.next({ type: 'spool-opened', points: replayed.points, corrupt: replayed.corrupt });
    telemetry.next({ type: 'buffer-level', points: buffer.points, bytes: buffer.bytes, inFlight: 0 });
    if (replayed.points > 0 || replayed.corrupt > 0)
      log.info(replayed, 'disk spool: sending what the last run left first');
    if (replayed.roomBytes < buffer.maxBytes)
      log.warn(
        { maxSpoolSize: buffer.maxBytes, roomBytes: replayed.roomBytes, spoolDir: config.spoolDir },
        `MAX_SPOOL_SIZE (${megabytes(buffer.maxBytes)}) is more than the disk has for the spool ` +
          `(${megabytes(replayed.roomBytes)}: free space and what is spooled); when it fills, new points wait in memory ` +
          'up to MAX_BUFFER_SIZE and then the oldest are dropped',
      );
  }
  const flush$ = new Subject<void>();
  const stopReading$ = new Subject<void>();

  // Open streams, for the read windows (which pause streams only while there are few).
  const streams$ = openStreams(telemetry).count$.pipe(distinctUntilChanged());
  const pressure$ = config.bufferPolicy === 'block' ? buffer.pressure$ : undefined;
  // Polls are already periodic; read windows are for streams.
  const paused$ =
    config.mode === 'stream' && config.readInterval > 0
      ? (pressure$ ?? of(false)).pipe(readWindowsWhileFew(streams$, { everyMs: config.readInterval }, scheduler))
      : pressure$;

  const pointsOf = enginePoints(config, { log, telemetry, scheduler, clock: deps.clock, paused$, pressure$ });
  const engineLines$ = (engine: Engine, configuredTag: string | undefined): Observable<string> =>
    pointsOf(engine, configuredTag).pipe(
      map(toLineProtocol),
      filter((line): line is string => line !== undefined),
    );

  const env = deps.env ?? process.env;
  const engines = config.dockerHost.map((host) => connectEngine({ ...env, DOCKER_HOST: host }));
  const collected$ = merge(...engines.map((engine, i) => engineLines$(engine, config.hostTag[i])));
  const internal$ = config.internalMetrics
    ? interval(config.flushInterval, scheduler).pipe(
        map(() => toLineProtocol(internalPoint(state.value, scheduler.now()))!),
        tap(() => telemetry.next({ type: 'internal-point' })),
      )
    : [];

  const batches = {
    size: config.batchSize,
    intervalMs: config.flushInterval,
    maxBatchSize: config.maxBatchSize,
    flush$,
    gzip: sink.gzip,
  };
  // What a previous run spooled is sent at once, before the first batch of this one.
  const drains$ = replayed && replayed.points > 0 ? flush$.pipe(startWith(undefined)) : flush$;
  const delivery = { buffer, flush$: drains$, log, retry: { maxRetries: config.maxRetries } };
  const run$ = merge(collected$, internal$).pipe(
    takeUntil(stopReading$),
    batchLines(batches, scheduler),
    writeBatches(sink, delivery, scheduler),
    tap({ next: (event) => telemetry.next(event) }),
    share(),
  );
  return {
    run$,
    telemetry$: telemetry.asObservable(),
    state$: state.asObservable(),
    snapshot: () => state.value,
    buffer,
    sink,
    flush: () => flush$.next(),
    stop: () => stopReading$.next(),
  };
}
