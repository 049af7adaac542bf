import { randomUUID } from 'node:crypto';
import { Subject, interval, lastValueFrom, map, take, takeUntil, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchLines } from '../../src/batch/batchLines.js';
import { influxSink } from '../../src/deliver/influxSink.js';
import { PointBuffer } from '../../src/deliver/pointBuffer.js';
import { writeBatches } from '../../src/deliver/writeBatches.js';
import { OwnVictoriaMetrics } from '../support/ownVictoriaMetrics.js';
import { eventually } from '../support/realEngine.js';
import { folded } from '../support/telemetry.js';
import { requireVictoriaMetrics } from '../support/victoriaMetrics.js';

const vm = new OwnVictoriaMetrics();
beforeAll(async () => {
  await requireVictoriaMetrics(); // the test bed is up (and installed the binary)
  await vm.start();
});
afterAll(() => vm.remove());

// One point per ms of a fixed epoch: VictoriaMetrics keeps ms, so each point is its own sample.
const BASE_MS = Date.UTC(2026, 0, 1);
const line = (run: string, seq: number): string => `delivery,run=${run} seq=${seq}i ${(BASE_MS + seq) * 1e6}`;

async function samples(run: string): Promise<number[]> {
  const series = await vm.export(`{run="${run}"}`);
  return series.flatMap((s) => s.values).sort((a, b) => a - b);
}

describe('writeBatches into the real VictoriaMetrics', () => {
  it('N points written come back exactly N through /api/v1/export, gzip on', async () => {
    const run = randomUUID();
    const n = 5000;
    const sink = influxSink({ url: vm.url, org: 'dss', bucket: 'test', compression: true });
    const events = await lastValueFrom(
      interval(0).pipe(
        take(n),
        map((i) => line(run, i)),
        batchLines({ size: 1000, intervalMs: 200, gzip: sink.gzip }),
        writeBatches(sink, { buffer: new PointBuffer(50_000_000) }),
        toArray(),
      ),
    );
    sink.close();
    expect(folded(events).pointsWritten).toBe(n);
    let got: number[] = [];
    await eventually(async () => (got = await samples(run)).length >= n);
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('loses nothing while VictoriaMetrics is stopped in the middle of a run', async () => {
    const run = randomUUID();
    const buffer = new PointBuffer(50_000_000);
    const sink = influxSink({ url: vm.url, org: 'dss', bucket: 'test', compression: true, timeoutMs: 2000 });
    const stop$ = new Subject<void>();
    let produced = 0;
    const delivery = lastValueFrom(
      interval(10).pipe(
        takeUntil(stop$),
        map(() => line(run, produced++)),
        batchLines({ size: 200, intervalMs: 500, gzip: sink.gzip }),
        writeBatches(sink, { buffer, retry: { baseMs: 200, maxMs: 1000, maxRetries: 3 } }),
        toArray(),
      ),
    );
    expect(await eventually(() => produced > 200, 10_000)).toBe(true);
    await vm.stop();
    // The outage holds points back, and writes fail and are put back meanwhile.
    expect(await eventually(() => buffer.points > 1000, 30_000)).toBe(true);
    await vm.start();
    expect(await eventually(() => buffer.points === 0, 30_000)).toBe(true);
    stop$.next();
    const state = folded(await delivery);
    sink.close();

    expect(state.batchesFailed).toBeGreaterThan(0);
    expect([state.pointsWritten, state.pointsDropped, buffer.points]).toEqual([produced, 0, 0]);
    let got: number[] = [];
    await eventually(async () => (got = await samples(run)).length >= produced);
    expect(got).toEqual(Array.from({ length: produced }, (_, i) => i)); // 0 lost, none twice
  }, 60_000);
});
