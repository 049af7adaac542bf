import type { FlushReason, TelemetryEvent } from '../model/telemetry.js';

/** An engine's reachability, as its last event told. */
export interface EngineHealth {
  readonly reachable: boolean;
  readonly reason?: string;
}

/** What the running pipeline knows about itself: the fold of its telemetry events. */
export interface TelemetryState {
  /** Stats records that decoded (samples in). */
  readonly records: number;
  readonly decodeErrors: number;
  readonly pointsCollected: number;
  /** Open container streams, by source (`api`, `cgroup`). */
  readonly streams: Readonly<Record<string, number>>;
  readonly engines: ReadonlyMap<string, EngineHealth>;
  readonly pointsWritten: number;
  readonly pointsRejected: number;
  readonly pointsDropped: number;
  readonly pointsRetried: number;
  readonly batchesWritten: number;
  readonly batchesFailed: number;
  readonly flushes: Readonly<Record<FlushReason, number>>;
  readonly bufferPoints: number;
  readonly bufferBytes: number;
  /** When the last write succeeded (scheduler time), for health checks. */
  readonly lastSuccessAt: number | undefined;
  /** Set while writes keep failing: the database's answer. */
  readonly failing: string | undefined;
}

export const initialTelemetry: TelemetryState = {
  records: 0,
  decodeErrors: 0,
  pointsCollected: 0,
  streams: {},
  engines: new Map(),
  pointsWritten: 0,
  pointsRejected: 0,
  pointsDropped: 0,
  pointsRetried: 0,
  batchesWritten: 0,
  batchesFailed: 0,
  flushes: { size: 0, time: 0, manual: 0, final: 0 },
  bufferPoints: 0,
  bufferBytes: 0,
  lastSuccessAt: undefined,
  failing: undefined,
};

const withEngine = (s: TelemetryState, address: string, health: EngineHealth): TelemetryState => ({
  ...s,
  engines: new Map(s.engines).set(address, health),
});

const withStreams = (s: TelemetryState, source: string, delta: number): TelemetryState => ({
  ...s,
  streams: { ...s.streams, [source]: (s.streams[source] ?? 0) + delta },
});

/** The total of open streams over every source. */
export const activeStreams = (s: TelemetryState): number => Object.values(s.streams).reduce((a, b) => a + b, 0);

/**
 * Folds one event into the state (for `scan`): pure, a new state each time. The counters stay
 * exact: every point collected is, in the end, written, rejected, dropped or still buffered.
 */
export function foldTelemetry(s: TelemetryState, e: TelemetryEvent): TelemetryState {
  switch (e.type) {
    case 'record-decoded':
      return { ...s, records: s.records + 1 };
    case 'record-refused':
      return { ...s, decodeErrors: s.decodeErrors + 1 };
    case 'points-made':
      return { ...s, pointsCollected: s.pointsCollected + e.points };
    case 'engine-up':
      return withEngine(s, e.engine, { reachable: true });
    case 'engine-down':
      return withEngine(s, e.engine, { reachable: false, reason: e.reason });
    case 'stream-opened':
      return withStreams(s, e.source, 1);
    case 'stream-closed':
      return withStreams(s, e.source, -1);
    case 'batch-accepted':
      return { ...s, flushes: { ...s.flushes, [e.reason]: s.flushes[e.reason] + 1 } };
    case 'batch-written':
      return {
        ...s,
        pointsWritten: s.pointsWritten + e.points,
        batchesWritten: s.batchesWritten + 1,
        lastSuccessAt: e.at,
        failing: undefined,
      };
    case 'batch-failed':
      return { ...s, batchesFailed: s.batchesFailed + 1, failing: e.reason };
    case 'batch-split':
      return s;
    case 'points-rejected':
      return { ...s, pointsRejected: s.pointsRejected + e.points };
    case 'points-retried':
      return { ...s, pointsRetried: s.pointsRetried + e.points };
    case 'points-dropped':
      return { ...s, pointsDropped: s.pointsDropped + e.points };
    case 'buffer-level':
      return { ...s, bufferPoints: e.points, bufferBytes: e.bytes };
  }
}

/** /healthz: healthy while every engine answers and the sink writes (or is still within its retries). */
export function health(s: TelemetryState): { ok: boolean; reasons: string[] } {
  const reasons: string[] = [];
  for (const [address, engine] of s.engines)
    if (!engine.reachable) reasons.push(`engine ${address}: ${engine.reason ?? 'unreachable'}`);
  if (s.failing !== undefined) reasons.push(`sink: ${s.failing}`);
  return { ok: reasons.length === 0, reasons };
}
