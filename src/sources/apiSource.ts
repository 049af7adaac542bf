import { type Observable, type SchedulerLike, asyncScheduler, defer, share, timer } from 'rxjs';
import type { Logger } from '../model/logger.js';
import type { RawRecord } from '../model/records.js';
import type { TelemetrySink } from '../model/telemetry.js';
import { concurrencyGate } from '../rx/concurrencyGate.js';
import type { RetryBackoffOptions } from '../rx/retryBackoff.js';
import { decodeStats } from '../validate/decodeStats.js';
import type { StatsSource } from './statsSource.js';
import { watchContainers } from './watchContainers.js';
import { type RawStatsOptions, rawStats$ } from './engine/rawStats.js';
import { containers$ } from './engine/containers.js';
import type { Engine } from './engine/engine.js';
import type { ContainerFilters } from './engine/filters.js';

/**
 * A one-shot poll waits for the engine's next collection tick (up to a second), so keeping
 * 1 s polls going takes about one request under way per container: 128 covers most hosts.
 */
export const DEFAULT_MAX_CONCURRENT_POLLS = 128;

export interface AllStatsOptions extends Omit<RawStatsOptions, 'pollGate'> {
  readonly filters?: ContainerFilters;
  /** Poll mode: engine requests under way at once, across all containers. */
  readonly maxConcurrentPolls?: number;
  /** After `die`, how long a container's stream may still deliver its last samples. */
  readonly stopGraceMs?: number;
  /** Backoff between reconnections to an engine that went away. */
  readonly engineRetry?: Omit<RetryBackoffOptions, 'classify'>;
  readonly log?: Logger;
  readonly telemetry?: TelemetrySink;
}

/**
 * The options of one engine's container streams, with what they share in poll mode: the gate that
 * caps the requests under way, and one tick for all, so that the polls of all containers go out
 * together (one wake-up a poll interval rather than one per container: docs/benchmarks.md,
 * section 2). Made per subscription.
 */
export function sharedPolling(options: AllStatsOptions, scheduler: SchedulerLike): RawStatsOptions {
  if (options.mode !== 'poll') return options;
  return {
    ...options,
    pollGate: concurrencyGate(options.maxConcurrentPolls ?? DEFAULT_MAX_CONCURRENT_POLLS),
    pollTick$: timer(0, options.pollIntervalMs ?? 10_000, scheduler).pipe(share()),
  };
}

const raw = (container: RawRecord['container'], line: string): RawRecord => ({ container, line });

/**
 * The raw stats records of every watched container of one engine, each with its container's
 * identity: `watchContainers` over the engine's discovery (`containers$`) and each container's
 * stats endpoint (`rawStats$`). In poll mode one gate caps the requests under way across
 * all containers.
 *
 * ```
 * discovery: -a1--a2------r1-------   (#: engine gone, then back)  --a1-a2-
 * result:    --x--x-y-x-y--x-y-y-y---------------------------------x-y-x-y
 * ```
 */
export function allStats$(
  engine: Engine,
  options: AllStatsOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): Observable<RawRecord> {
  return defer(() => {
    const statsOptions = sharedPolling(options, scheduler);
    const watch = { ...options, engine: engine.address, source: 'api' };
    return watchContainers(
      containers$(engine, options.filters, { ...(options.log ? { log: options.log } : {}), scheduler }),
      (c) => rawStats$(engine.docker, c.id, statsOptions, scheduler),
      raw,
      watch,
      scheduler,
    );
  });
}

/**
 * The Engine API source: `allStats$` and then `decodeStats` (JSON.parse, the io-ts codec and the
 * Engine API adapter to samples), in
 * stream mode (the engine pushes a record a second per container) or poll mode (one-shot requests).
 */
export function apiSource(options: AllStatsOptions = {}, scheduler: SchedulerLike = asyncScheduler): StatsSource {
  const decode = {
    ...(options.log ? { log: options.log } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  };
  return { name: 'api', stats$: (engine) => allStats$(engine, options, scheduler).pipe(decodeStats(decode)) };
}
