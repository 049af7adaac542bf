import { DROP_REASONS, type DropReason, type FlushReason, type TelemetryEvent } from '../model/telemetry.js';

/** An engine's reachability, as its last event told. */
export interface EngineHealth {
  readonly reachable: boolean;
  readonly reason?: string;
}

/** What the running pipeline knows about itself: the fold of its telemetry events. */
export interface TelemetryState {
  /** Stats records transformed (samples in). */
  records: number;
  decodeErrors: number;
  pointsCollected: number;
  /** Points a previous run left in the spool, sent by this one (counted as collected too). */
  pointsReplayed: number;
  /** Damaged spool records skipped (a torn write after power loss, a bad disk). */
  spoolCorrupt: number;
  /** Open container streams, by source (`api`, `cgroup`). */
  readonly streams: Record<string, number>;
  readonly engines: Map<string, EngineHealth>;
  /** Engines described (their source started) that have not answered yet: no engine-up or engine-down so far. */
  readonly unanswered: Set<string>;
  pointsWritten: number;
  pointsRejected: number;
  pointsDropped: number;
  /** The same, by why they were dropped. */
  readonly droppedBy: Record<DropReason, number>;
  pointsRetried: number;
  batchesWritten: number;
  batchesFailed: number;
  readonly flushes: Record<FlushReason, number>;
  bufferPoints: number;
  bufferBytes: number;
  /** Points taken from the buffer and being written (not in bufferPoints). */
  inFlightPoints: number;
  /** When the last write succeeded (scheduler time), for health checks. */
  lastSuccessAt: number | undefined;
  /** Set while writes keep failing: the database's answer. */
  failing: string | undefined;
  /** The spool's disk operations the disk refuses now, with its answer (ENOSPC, EROFS, EIO, ...). */
  readonly spoolFaults: Map<string, string>;
}

/** A fresh state, for a `scan` of its own. */
export const initialTelemetry = (): TelemetryState => ({
  records: 0,
  decodeErrors: 0,
  pointsCollected: 0,
  pointsReplayed: 0,
  spoolCorrupt: 0,
  streams: {},
  engines: new Map(),
  unanswered: new Set(),
  pointsWritten: 0,
  pointsRejected: 0,
  pointsDropped: 0,
  droppedBy: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
  pointsRetried: 0,
  batchesWritten: 0,
  batchesFailed: 0,
  flushes: { size: 0, time: 0, manual: 0, final: 0 },
  bufferPoints: 0,
  bufferBytes: 0,
  inFlightPoints: 0,
  lastSuccessAt: undefined,
  failing: undefined,
  spoolFaults: new Map(),
});

/** The total of open streams over every source. */
export const activeStreams = (s: TelemetryState): number => Object.values(s.streams).reduce((a, b) => a + b, 0);

/**
 * Folds one event into the state, for `scan`: the state is the fold's accumulator, updated in
 * place and handed on (a reader reads it, and copies what it keeps). The counters stay exact:
 * every point collected is, in the end, written, rejected, dropped or still buffered. In place,
 * because the fold runs once per record, 10,000 times a second at scale, where a copy of the
 * state per event was a measurable share of the CPU and the young generation
 * (docs/benchmarks.md, section 3).
 */
export function foldTelemetry(s: TelemetryState, e: TelemetryEvent): TelemetryState {
  switch (e.type) {
    case 'record-refused':
      s.decodeErrors++;
      break;
    case 'record-transformed':
      s.records++;
      s.pointsCollected += e.points;
      break;
    case 'status-transformed':
      s.pointsCollected += e.points;
      break;
    case 'internal-point':
      s.pointsCollected++;
      break;
    case 'engine-described':
      if (!s.engines.has(e.engine)) s.unanswered.add(e.engine);
      break;
    case 'engine-up':
      s.unanswered.delete(e.engine);
      s.engines.set(e.engine, { reachable: true });
      break;
    case 'engine-down':
      s.unanswered.delete(e.engine);
      s.engines.set(e.engine, { reachable: false, reason: e.reason });
      break;
    case 'stream-opened':
    case 'stream-closed':
      s.streams[e.source] = (s.streams[e.source] ?? 0) + (e.type === 'stream-opened' ? 1 : -1);
      break;
    case 'batch-accepted':
      s.flushes[e.reason]++;
      break;
    case 'batch-written':
      s.pointsWritten += e.points;
      s.batchesWritten++;
      s.lastSuccessAt = e.at;
      s.failing = undefined;
      break;
    case 'batch-failed':
      s.batchesFailed++;
      s.failing = e.reason;
      break;
    case 'points-rejected':
      s.pointsRejected += e.points;
      break;
    case 'points-retried':
      s.pointsRetried += e.points;
      break;
    case 'points-dropped':
      s.pointsDropped += e.points;
      s.droppedBy[e.reason] += e.points;
      break;
    case 'buffer-level':
      s.bufferPoints = e.points;
      s.bufferBytes = e.bytes;
      s.inFlightPoints = e.inFlight;
      break;
    case 'spool-opened':
      // What this run will write of a previous run's points: collected = written + dropped + ... still holds.
      s.pointsCollected += e.points;
      s.pointsReplayed += e.points;
      s.spoolCorrupt += e.corrupt;
      break;
    case 'spool-corrupt':
      s.spoolCorrupt += e.records;
      break;
    case 'spool-fault':
      s.spoolFaults.set(e.operation, e.code);
      break;
    case 'spool-recovered':
      s.spoolFaults.delete(e.operation);
      break;
    case 'batch-split':
      break;
  }
  return s;
}

/**
 * Readiness (/readyz, `dss_ready`): ready while every engine answers and the sink writes (or is
 * still within its retries). An engine that has not answered yet is not ready: a hung engine
 * would otherwise read as ready until its first request times out. Not liveness: a collector
 * that is not ready keeps collecting and buffering (or spooling), and a restart would not bring
 * the database back.
 */
export function health(s: Readonly<TelemetryState>): { ok: boolean; reasons: string[] } {
  const reasons: string[] = [];
  for (const address of s.unanswered) reasons.push(`engine ${address}: not answered yet`);
  for (const [address, engine] of s.engines)
    if (!engine.reachable) reasons.push(`engine ${address}: ${engine.reason ?? 'unreachable'}`);
  if (s.failing !== undefined) reasons.push(`sink: ${s.failing}`);
  return { ok: reasons.length === 0, reasons };
}
