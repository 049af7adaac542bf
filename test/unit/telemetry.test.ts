import { describe, expect, it } from 'vitest';
import { Int } from '../../src/model/point.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { METRICS, metricFields } from '../../src/telemetry/catalogue.js';
import { activeStreams, health, initialTelemetry } from '../../src/telemetry/telemetryState.js';
import { folded } from '../support/telemetry.js';

const run: TelemetryEvent[] = [
  { type: 'engine-up', engine: 'unix:///a.sock', watched: 2 },
  { type: 'stream-opened', engine: 'unix:///a.sock', source: 'api', container: 'web' },
  { type: 'stream-opened', engine: 'unix:///a.sock', source: 'api', container: 'web' },

  { type: 'record-refused', container: 'web', reason: 'not JSON' },
  { type: 'record-transformed', points: 3 },
  { type: 'batch-accepted', reason: 'size', points: 3 },
  { type: 'buffer-level', points: 3, bytes: 120, inFlight: 0 },
  { type: 'points-retried', points: 3 },
  { type: 'batch-failed', points: 3, reason: 'HTTP 503', refused: false },
  { type: 'points-dropped', points: 1, reason: 'buffer_full' },
  { type: 'batch-written', points: 2, latencyMs: 5, at: 42 },
  { type: 'stream-closed', engine: 'unix:///a.sock', source: 'api' },
  { type: 'engine-down', engine: 'unix:///a.sock', reason: 'ECONNREFUSED' },
];

describe('telemetry: the fold, health and the metric catalogue', () => {
  it('folds every event into the counters, exactly', () => {
    const s = folded(run);
    expect(s).toMatchObject({
      records: 1,
      decodeErrors: 1,
      pointsCollected: 3,
      pointsRetried: 3,
      pointsDropped: 1,
      pointsWritten: 2,
      batchesFailed: 1,
      batchesWritten: 1,
    });
    expect([s.flushes.size, s.bufferPoints, s.bufferBytes, s.lastSuccessAt, s.failing, activeStreams(s)]).toEqual([
      1,
      3,
      120,
      42,
      undefined,
      1,
    ]);
    expect(s.pointsCollected).toBe(s.pointsWritten + s.pointsDropped); // nothing unaccounted for
    expect(initialTelemetry().records).toBe(0); // a fresh state each time
  });

  it('is unhealthy while an engine is down or writes keep failing, naming why', () => {
    expect(health(folded(run.slice(0, 8)))).toEqual({ ok: true, reasons: [] });
    expect(health(folded(run.slice(0, 9)))).toEqual({ ok: false, reasons: ['sink: HTTP 503'] });
    expect(health(folded(run))).toEqual({ ok: false, reasons: ['engine unix:///a.sock: ECONNREFUSED'] });
  });

  it('gives the `internal` measurement every metric of the catalogue, counts as integers and the ratio as a float', () => {
    const fields = metricFields(folded(run));
    for (const metric of METRICS.filter((m) => !m.label))
      expect(Object.keys(fields), metric.name).toContain(metric.name.replace(/_total$/, ''));
    expect(fields.points_written).toEqual(new Int(2));
    expect(fields.flushes_size).toEqual(new Int(1));
    expect(fields.streams_api).toEqual(new Int(1));
    expect(fields.write_success_ratio).toBe(0.5);
  });
});
