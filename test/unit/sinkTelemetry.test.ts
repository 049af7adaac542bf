import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { selfMetrics } from '../../src/daemon/selfMetrics.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { foldTelemetry, health, initialTelemetry } from '../../src/telemetry/telemetryState.js';
import { folded } from '../support/telemetry.js';

// Two sinks fed the same 5 points: influxdb writes them, file fails once and then writes them.
const run: TelemetryEvent[] = [
  { type: 'engine-up', engine: 'unix:///a.sock', watched: 1 },
  { type: 'record-transformed', points: 5 },
  { type: 'batch-accepted', reason: 'size', points: 5, sink: 'influxdb' },
  { type: 'batch-accepted', reason: 'size', points: 5, sink: 'file' },
  { type: 'buffer-level', points: 5, bytes: 100, inFlight: 0, sink: 'influxdb' },
  { type: 'buffer-level', points: 5, bytes: 110, inFlight: 0, sink: 'file' },
  { type: 'buffer-level', points: 0, bytes: 0, inFlight: 5, sink: 'influxdb' },
  { type: 'batch-written', points: 5, latencyMs: 3, at: 10, sink: 'influxdb' },
  { type: 'batch-failed', points: 5, reason: 'EACCES', refused: false, sink: 'file' },
  { type: 'spool-fault', operation: 'append', code: 'ENOSPC', sink: 'file' },
];
const recovered: TelemetryEvent[] = [
  { type: 'spool-recovered', operation: 'append', sink: 'file' },
  { type: 'batch-written', points: 5, latencyMs: 4, at: 20, sink: 'file' },
  { type: 'buffer-level', points: 0, bytes: 0, inFlight: 0, sink: 'file' },
  { type: 'buffer-level', points: 0, bytes: 0, inFlight: 0, sink: 'influxdb' },
];

describe('telemetry of several sinks', () => {
  it('counts each sink apart, and the totals over them', () => {
    const s = folded(run);
    expect(s.sinks.get('influxdb')).toMatchObject({ pointsWritten: 5, batchesWritten: 1, failing: undefined });
    expect(s.sinks.get('file')).toMatchObject({ pointsWritten: 0, batchesFailed: 1, failing: 'EACCES' });
    expect([s.pointsWritten, s.batchesFailed, s.bufferPoints, s.bufferBytes, s.inFlightPoints]).toEqual([
      5, 1, 5, 110, 5,
    ]);
    expect(s.flushes.size).toBe(2);
    expect(s.spoolFaults.size).toBe(1);
    const after = folded([...run, ...recovered]);
    expect([after.pointsWritten, after.bufferPoints, after.inFlightPoints, after.failing]).toEqual([
      10,
      0,
      0,
      undefined,
    ]);
    expect(after.spoolFaults.size).toBe(0);
  });

  it('is not ready while one sink fails, naming it; ready again when it writes', () => {
    expect(health(folded(run))).toEqual({ ok: false, reasons: ['sink file: EACCES'] });
    expect(health(folded([...run, ...recovered]))).toEqual({ ok: true, reasons: [] });
  });

  it('folds into a new state each event and leaves the previous one as it was', () => {
    const states = [initialTelemetry()];
    for (const e of run) states.push(foldTelemetry(states.at(-1)!, e));
    for (let i = 1; i < states.length; i++) expect(states[i]).not.toBe(states[i - 1]);
    // the state before the write still reads as before it: nothing was changed in place
    const beforeWrite = states[7]!;
    expect([beforeWrite.pointsWritten, beforeWrite.sinks.get('influxdb')?.pointsWritten]).toEqual([0, 0]);
    expect(states[1]!.engines.size).toBe(1);
    expect(states[0]!.engines.size).toBe(0);
    // a map that the event does not change is the same map
    expect(states[2]!.engines).toBe(states[1]!.engines);
  });

  it('serves the delivery metrics with a sink label, one series per sink', async () => {
    const telemetry$ = new Subject<TelemetryEvent>();
    const registry = selfMetrics(() => folded(run), telemetry$);
    for (const e of run) telemetry$.next(e);
    const text = await registry.metrics();
    expect(text).toContain('dss_points_written_total{sink="influxdb"} 5');
    expect(text).toContain('dss_points_written_total{sink="file"} 0');
    expect(text).toContain('dss_points_dropped_total{reason="buffer_full",sink="file"} 0');
    // batching's own count, over every sink
    expect(text).toContain('dss_flushes_total{reason="size"} 2');
    expect(text).toContain('dss_sink_failing{sink="file"} 1');
    expect(text).toContain('dss_sink_failing{sink="influxdb"} 0');
    expect(text).toContain('dss_batch_size_points_count{sink="influxdb"} 1');
    expect(text).toContain('dss_points_collected_total 5');
  });

  it('a scrape before the sinks are named leaves no unlabeled series behind once they are', async () => {
    // A scrape in the first seconds (a probe, `top --daemon`) before the first delivery event.
    let state = folded([{ type: 'engine-up', engine: 'unix:///a.sock', watched: 1 }]);
    const registry = selfMetrics(() => state, new Subject<TelemetryEvent>());
    expect(await registry.metrics()).toContain('dss_buffer_points 0');
    state = folded(run);
    const text = await registry.metrics();
    expect(text).toContain('dss_buffer_points{sink="file"} 5');
    // The unlabeled series of the first scrape would be summed with the sinks' and never change.
    expect(text).not.toMatch(/^dss_(buffer_points|buffer_bytes|write_success_ratio|spool_disk_faults) /m);
    expect(text).not.toMatch(/^dss_sink_failing /m);
  });

  it('reads a sink whose target refuses its writes as failing, until one is written; not a 400', () => {
    const bad: TelemetryEvent = { type: 'points-rejected', points: 1, reason: 'too large', refused: false, sink: 'x' };
    expect(health(folded([...run, ...recovered, bad]))).toEqual({ ok: true, reasons: [] });
    const rejected: TelemetryEvent[] = [
      { type: 'batch-accepted', reason: 'size', points: 5, sink: 'remote-write' },
      { type: 'points-rejected', points: 5, reason: 'HTTP 404: not found', refused: true, sink: 'remote-write' },
    ];
    const s = folded([...run, ...recovered, ...rejected]);
    expect(s.sinks.get('remote-write')?.failing).toBe('rejected: HTTP 404: not found');
    expect(health(s)).toEqual({ ok: false, reasons: ['sink remote-write: rejected: HTTP 404: not found'] });
    const written = folded([
      ...run,
      ...recovered,
      ...rejected,
      { type: 'batch-written', points: 5, latencyMs: 2, at: 30, sink: 'remote-write' },
    ]);
    expect(health(written)).toEqual({ ok: true, reasons: [] });
  });
});
