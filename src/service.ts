import { hostname } from 'node:os';
import {
  type Observable,
  type SchedulerLike,
  BehaviorSubject,
  Subject,
  asyncScheduler,
  defer,
  filter,
  interval,
  map,
  merge,
  of,
  share,
  switchMap,
  takeUntil,
  tap,
} from 'rxjs';
import { batchLines } from './batch/batchLines.js';
import { allStats$ } from './collect/allStats$.js';
import { type Engine, connectEngine } from './collect/connection.js';
import { readWindowsWhileFew } from './collect/readWindows.js';
import { engineIsLocal, sysfsDeviceNamer } from './collect/sysfsDeviceNames.js';
import type { Config } from './config/configCodec.js';
import { type Logger, silentLogger } from './log.js';
import { DeliveryCounters } from './store/deliveryCounters.js';
import type { LineSink } from './store/influxSink.js';
import { PointBuffer } from './store/pointBuffer.js';
import { sinkFor } from './store/sinkFor.js';
import { toLineProtocol } from './store/toLineProtocol.js';
import { type DeliveryEvent, writeBatches } from './store/writeBatches.js';
import { int } from './transform/point.js';
import { toPoints } from './transform/toPoints.js';
import { decodeStats } from './validate/decodeStats.js';

/** What the running service knows about itself, for /metrics and /healthz. */
export class ServiceState {
  /** Stats records that decoded (samples in). */
  records = 0;
  pointsCollected = 0;
  decodeErrors = 0;
  activeStreams = 0;
  /** Per engine address: reachable, or the reason it is not. */
  readonly engines = new Map<string, { reachable: boolean; reason?: string }>();
}

export interface ServiceDeps {
  /** Where batches go; default: what the config says (`sinkFor`). */
  readonly sink?: LineSink;
  readonly log?: Logger;
  /** For DOCKER_TLS_VERIFY / DOCKER_CERT_PATH; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly scheduler?: SchedulerLike;
}

export interface Service {
  /** The running pipeline: subscribing starts it; it completes after `stop()` once the buffer is written. */
  readonly run$: Observable<DeliveryEvent>;
  readonly counters: DeliveryCounters;
  readonly state: ServiceState;
  readonly buffer: PointBuffer;
  readonly sink: LineSink;
  /** Writes what is waiting now (SIGUSR1). */
  flush(): void;
  /** Stops reading the engines; what was collected is still written. */
  stop(): void;
}

/** The `host` tag: configured, else the engine's own name, else this machine's / the address's host name. */
async function hostTagOf(engine: Engine, configured: string | undefined, log: Logger): Promise<string> {
  if (configured) return configured;
  try {
    const info = (await engine.docker.info()) as { Name?: string };
    if (info.Name) return info.Name;
  } catch (error) {
    log.warn({ engine: engine.address, err: String(error) }, 'cannot ask the engine its name for the host tag; using the address');
  }
  return engineIsLocal(engine.address) ? hostname() : new URL(engine.address.replace(/^tcp:/, 'http:')).hostname;
}

/**
 * The whole pipeline from a configuration: for every engine, containers -> stats -> decode ->
 * points (tagged with the engine's `host`) -> line protocol; merged, then batch -> buffer -> sink.
 */
export function createService(config: Config, deps: ServiceDeps = {}): Service {
  const sink = deps.sink ?? sinkFor(config);
  const log = deps.log ?? silentLogger;
  const scheduler = deps.scheduler ?? asyncScheduler;
  const state = new ServiceState();
  const counters = new DeliveryCounters();
  const buffer = new PointBuffer(config.maxBufferSize, config.bufferPolicy, (dropped) =>
    log.warn({ dropped, maxBufferSize: config.maxBufferSize }, 'buffer full: dropping the oldest points (counted in points_dropped)'),
  );
  const flush$ = new Subject<void>();
  const stopReading$ = new Subject<void>();
  const streams$ = new BehaviorSubject(0);
  const pressure$ = config.bufferPolicy === 'block' ? buffer.pressure$ : undefined;
  // Polls are already periodic; read windows are for streams.
  const paused$ =
    config.mode === 'stream' && config.readInterval > 0
      ? (pressure$ ?? of(false)).pipe(readWindowsWhileFew(streams$, { everyMs: config.readInterval }, scheduler))
      : pressure$;

  const engineLines$ = (engine: Engine, configuredTag: string | undefined): Observable<string> =>
    defer(() => hostTagOf(engine, configuredTag, log)).pipe(
      switchMap((host) =>
        allStats$(engine, {
          mode: config.mode,
          pollIntervalMs: config.pollInterval,
          maxConcurrentPolls: config.maxConcurrentPolls,
          ...(paused$ ? { paused$ } : {}),
          filters: {
            includeNames: config.includeNames,
            excludeNames: config.excludeNames,
            includeLabels: config.includeLabels,
            excludeLabels: config.excludeLabels,
            includeStates: config.includeStates,
            excludeStates: config.excludeStates,
          },
          log,
          onEngine: (reachable, reason) => state.engines.set(engine.address, reachable ? { reachable } : { reachable, reason: reason ?? 'unreachable' }),
          onStream: (delta) => streams$.next((state.activeStreams += delta)),
        }, scheduler).pipe(
          decodeStats({ log, onError: () => state.decodeErrors++ }),
          tap(() => state.records++),
          toPoints({ tags: { host }, ...(engineIsLocal(engine.address) ? { deviceName: sysfsDeviceNamer() } : {}) }),
          tap(() => state.pointsCollected++),
          map(toLineProtocol),
          filter((line): line is string => line !== undefined),
        ),
      ),
    );

  const env = deps.env ?? process.env;
  const engines = config.dockerHost.map((host) => connectEngine({ ...env, DOCKER_HOST: host }));
  const collected$ = merge(...engines.map((engine, i) => engineLines$(engine, config.hostTag[i])));
  const internal$ = config.internalMetrics ? interval(config.flushInterval, scheduler).pipe(map(() => internalLine(state, counters, buffer, scheduler.now()))) : [];

  const run$ = merge(collected$, internal$).pipe(
    takeUntil(stopReading$),
    batchLines({ size: config.batchSize, intervalMs: config.flushInterval, maxBatchSize: config.maxBatchSize, flush$, gzip: sink.gzip }, scheduler),
    writeBatches(sink, { buffer, counters, flush$, log, retry: { maxRetries: config.maxRetries } }, scheduler),
    share(),
  );
  return {
    run$,
    counters,
    state,
    buffer,
    sink,
    flush: () => flush$.next(),
    stop: () => stopReading$.next(),
  };
}

/** The self-metrics as one `internal` point, for users who read them from the database. */
function internalLine(state: ServiceState, c: DeliveryCounters, buffer: PointBuffer, nowMs: number): string {
  const counts: Record<string, number> = {
    points_collected: state.pointsCollected,
    points_written: c.pointsWritten,
    points_dropped: c.pointsDropped,
    points_rejected: c.pointsRejected,
    decode_errors: state.decodeErrors,
    batches_written: c.batchesWritten,
    batches_failed: c.batchesFailed,
    buffer_points: buffer.points,
    buffer_bytes: buffer.bytes,
    active_streams: state.activeStreams,
  };
  const fields = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, int(v)]));
  return toLineProtocol({ measurement: 'internal', tags: { host: hostname() }, fields, timestamp: `${Math.floor(nowMs)}000000` })!;
}
