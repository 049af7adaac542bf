import { randomUUID } from 'node:crypto';
import { BehaviorSubject, Subject, lastValueFrom, merge, tap, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineProtocolSink } from '../../src/app/lineProtocolSink.js';
import { selfMetrics } from '../../src/daemon/selfMetrics.js';
import { influxSink } from '../../src/deliver/influxSink.js';
import { PointBuffer } from '../../src/deliver/pointBuffer.js';
import { Int, type Point } from '../../src/model/point.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { foldTelemetry, health, initialTelemetry } from '../../src/telemetry/telemetryState.js';
import { INFLUX1_PASSWORD, INFLUX1_URL, INFLUX1_USER, influxQuery } from '../support/influx1.js';
import { OwnVictoriaMetrics } from '../support/ownVictoriaMetrics.js';
import { eventually } from '../support/realEngine.js';
import { requireVictoriaMetrics } from '../support/victoriaMetrics.js';

const vm = new OwnVictoriaMetrics();
const DB = `dss_test_two_sinks_${process.pid}`;
beforeAll(async () => {
  await requireVictoriaMetrics(); // the test bed is up (and installed the binary)
  await vm.start();
  await influxQuery(`CREATE DATABASE ${DB}`);
});
afterAll(async () => {
  await vm.remove();
  await influxQuery(`DROP DATABASE ${DB}`);
});

// One point per ms of a fixed epoch: VictoriaMetrics keeps ms, so each point is its own sample.
const BASE_MS = Date.UTC(2026, 0, 2);
const point = (run: string, seq: number): Point => ({
  measurement: 'twosinks',
  tags: { run },
  fields: { seq: new Int(seq) },
  timestamp: String(BigInt(BASE_MS + seq) * 1_000_000n),
});

const batch = { size: 50, intervalMs: 100 };
const retry = { maxRetries: 1, baseDelayMs: 50, maxDelayMs: 200 };

describe('two sinks at once, each with its own buffer and retries', () => {
  it('one database down: the other keeps writing; back: every point arrives exactly once in both', async () => {
    const run = randomUUID();
    const n = 3000;
    const victoria = lineProtocolSink({
      name: 'victoria',
      description: vm.url,
      open: () => influxSink({ url: vm.url, org: 'dss', bucket: 'test', compression: true, timeoutMs: 2000 }),
      buffer: () => new PointBuffer(50_000_000),
      batch,
      retry,
    });
    const influx1 = lineProtocolSink({
      name: 'influx1',
      description: INFLUX1_URL,
      open: () =>
        influxSink({
          url: INFLUX1_URL,
          org: '',
          bucket: '',
          compression: false,
          v1: { db: DB, username: INFLUX1_USER, password: INFLUX1_PASSWORD },
        }),
      buffer: () => new PointBuffer(50_000_000),
      batch,
      retry,
    });

    const telemetry = new Subject<TelemetryEvent>();
    const state = new BehaviorSubject(initialTelemetry());
    telemetry.subscribe((e) => state.next(foldTelemetry(state.value, e)));
    const registry = selfMetrics(() => state.value, telemetry);

    // Points in three thirds: both databases up; VictoriaMetrics down; up again.
    const points$ = new Subject<Point>();
    const third = n / 3;
    const feed = (from: number): void => {
      for (let i = from; i < from + third; i++) points$.next(point(run, i));
    };
    const written = (name: string): number => state.value.sinks.get(name)?.pointsWritten ?? 0;
    const delivered = lastValueFrom(
      merge(victoria.deliver(points$), influx1.deliver(points$)).pipe(
        tap((e) => telemetry.next(e)),
        toArray(),
      ),
    );

    feed(0);
    expect(await eventually(() => written('victoria') === third && written('influx1') === third, 30_000)).toBe(true);
    await vm.stop();
    feed(third);
    // While VictoriaMetrics is down: it fails, named on readiness, and influx1 keeps writing.
    const failing = () => state.value.sinks.get('victoria')?.failing !== undefined;
    expect(await eventually(failing, 60_000)).toBe(true);
    expect(health(state.value).reasons.some((r) => r.startsWith('sink victoria: '))).toBe(true);
    expect(health(state.value).reasons.some((r) => r.startsWith('sink influx1'))).toBe(false);
    expect(await eventually(() => written('influx1') === 2 * third, 30_000)).toBe(true);
    expect(state.value.sinks.get('victoria')!.bufferPoints).toBeGreaterThan(0);
    const scraped = await registry.metrics();
    expect(scraped).toMatch(/^dss_sink_failing\{sink="victoria"\} 1$/m);
    expect(scraped).toMatch(/^dss_sink_failing\{sink="influx1"\} 0$/m);

    await vm.start();
    feed(2 * third);
    points$.complete();
    const events = await delivered;

    for (const name of ['victoria', 'influx1']) {
      const sink = state.value.sinks.get(name)!;
      expect([name, sink.pointsWritten, sink.pointsDropped, sink.pointsRejected, sink.bufferPoints]).toEqual([
        name,
        n,
        0,
        0,
        0,
      ]);
      expect(events.filter((e) => e.sink === name).at(-1)).toEqual({
        type: 'sink-closed',
        points: 0,
        lost: 0,
        sink: name,
      });
    }
    expect(state.value.sinks.get('victoria')!.batchesFailed).toBeGreaterThan(0);
    expect(state.value.sinks.get('influx1')!.batchesFailed).toBe(0);
    expect(state.value.pointsWritten).toBe(2 * n);
    expect(health(state.value)).toEqual({ ok: true, reasons: [] });
    const text = await registry.metrics();
    expect(text).toContain(`dss_points_written_total{sink="victoria"} ${n}`);
    expect(text).toContain(`dss_points_written_total{sink="influx1"} ${n}`);

    // Exactly once in each database: every seq, no duplicate.
    const series = await vm.export(`{run="${run}"}`);
    const inVm = series.flatMap((s) => s.values).sort((a, b) => a - b);
    expect(inVm).toEqual(Array.from({ length: n }, (_, i) => i));
    const rows = await influxQuery(`SELECT seq FROM twosinks WHERE run = '${run}'`, DB);
    const inInflux = (rows[0]?.values ?? []).map((r) => Number(r[1])).sort((a, b) => a - b);
    expect(inInflux).toEqual(Array.from({ length: n }, (_, i) => i));
  }, 180_000);
});
