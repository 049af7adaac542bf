import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BehaviorSubject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawRecord } from '../../src/model/records.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { allStats$ } from '../../src/sources/apiSource.js';
import { rawStats$ } from '../../src/sources/engine/rawStats.js';
import { connectEngine } from '../../src/sources/engine/engine.js';
import { captureLogger } from '../support/captureLogger.js';
import { eventually } from '../support/realEngine.js';
import { type StandInOptions, StandInEngine, defaultRecord, fakeId } from '../support/standInEngine.js';

// Fault injection against a stand-in engine on a unix socket (real HTTP, no mocks). Timing
// itself is tested on virtual time (marble-tests/); here every wait is for a condition.
const engines: StandInEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

async function standIn(count: number, options: Partial<StandInOptions> = {}): Promise<StandInEngine> {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'dss-standin-')), 'docker.sock');
  const containers = Array.from({ length: count }, (_, i) => ({ id: fakeId(i + 1), name: `box-${i + 1}` }));
  const engine = await new StandInEngine({ socketPath, containers, streamIntervalMs: 50, ...options }).start();
  engines.push(engine);
  return engine;
}

const countBy = (lines: RawRecord[], from = 0): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const s of lines.slice(from)) counts.set(s.container.name, (counts.get(s.container.name) ?? 0) + 1);
  return counts;
};

describe('allStats$ against a stand-in engine', () => {
  it('logs once when the engine goes away, then re-lists and resumes every stream when it is back', async () => {
    const engine = await standIn(2);
    const log = captureLogger();
    const events: TelemetryEvent[] = [];
    const lines: RawRecord[] = [];
    let failed: unknown;
    const options = {
      log,
      engineRetry: { baseMs: 20, maxMs: 100 },
      telemetry: { next: (e: TelemetryEvent) => events.push(e) },
    };
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), options).subscribe({
      next: (s) => lines.push(s),
      error: (e) => (failed = e),
    });
    const downs = (): number => events.filter((e) => e.type === 'engine-down').length;
    try {
      expect(await eventually(() => countBy(lines).size === 2)).toBe(true);
      await engine.stop();
      expect(await eventually(() => downs() >= 3)).toBe(true); // several reconnection attempts failed
      const during = lines.length;
      await engine.start();
      expect(await eventually(() => countBy(lines, during).size === 2)).toBe(true);
    } finally {
      sub.unsubscribe();
    }
    expect(failed).toBeUndefined();
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
    expect(log.entries.filter((e) => e.level === 'info' && e.msg?.includes('back'))).toHaveLength(1);
    expect(events.filter((e) => e.type === 'engine-up').length).toBe(2);
    expect(engine.requests.filter((p) => p === '/containers/json').length).toBeGreaterThanOrEqual(2);
  });

  it('caps the one-shot polls under way across all containers in poll mode', async () => {
    const engine = await standIn(20, { oneShotDelayMs: 50 });
    const lines: RawRecord[] = [];
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), {
      mode: 'poll',
      pollIntervalMs: 100,
      maxConcurrentPolls: 3,
    }).subscribe((s) => lines.push(s));
    try {
      expect(await eventually(() => countBy(lines).size === 20)).toBe(true);
    } finally {
      sub.unsubscribe();
    }
    expect(engine.maxInFlight).toBe(3);
  });

  it('keeps the other containers going while one container’s stats keep failing', async () => {
    const engine = await standIn(3, { statsStatus: (c) => (c?.name === 'box-2' ? 500 : undefined) });
    const lines: RawRecord[] = [];
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), {
      retry: { baseMs: 10, maxMs: 50 },
    }).subscribe((s) => lines.push(s));
    try {
      expect(
        await eventually(() => (countBy(lines).get('box-3') ?? 0) >= 5 && (countBy(lines).get('box-1') ?? 0) >= 5),
      ).toBe(true);
    } finally {
      sub.unsubscribe();
    }
    expect(countBy(lines).has('box-2')).toBe(false);
    expect(engine.requests.filter((p) => p === `/containers/${fakeId(2)}/stats`).length).toBeGreaterThan(2);
  });

  it('opens a stream on a start event and closes it after die', async () => {
    const engine = await standIn(1);
    const lines: RawRecord[] = [];
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), { stopGraceMs: 0 }).subscribe((s) =>
      lines.push(s),
    );
    try {
      expect(await eventually(() => lines.length > 0)).toBe(true); // listed: only box-1
      const late = { id: fakeId(99), name: 'late' };
      engine.containers.set(late.id, late);
      engine.emitEvent('start', late);
      expect(await eventually(() => countBy(lines).has('late'))).toBe(true);
      engine.emitEvent('die', late);
      // The stand-in would stream for ever: only our side can have closed it.
      expect(await eventually(() => engine.openStreams(late.id) === 0)).toBe(true);
      expect(engine.openStreams(fakeId(1))).toBe(1);
    } finally {
      sub.unsubscribe();
    }
  });

  it('tags records with a container’s new name from its rename on, also in the grace after die', async () => {
    const engine = await standIn(1);
    const lines: RawRecord[] = [];
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), { stopGraceMs: 60_000 }).subscribe((s) =>
      lines.push(s),
    );
    try {
      expect(await eventually(() => countBy(lines).has('box-1'))).toBe(true);
      engine.emitEvent('rename', { id: fakeId(1), name: 'renamed' });
      expect(await eventually(() => countBy(lines).has('renamed'))).toBe(true);
      const firstRenamed = lines.findIndex((s) => s.container.name === 'renamed');
      engine.emitEvent('die', { id: fakeId(1), name: 'renamed' });
      const atDie = lines.length;
      // within the grace: the stream still delivers
      expect(await eventually(() => lines.length > atDie + 3)).toBe(true);
      expect(countBy(lines, firstRenamed).get('box-1')).toBeUndefined();
      expect(
        lines.slice(firstRenamed).every((s) => s.container.name === 'renamed' && s.container.id === fakeId(1)),
      ).toBe(true);
    } finally {
      sub.unsubscribe();
    }
  });
});

describe('backpressure (read windows, buffer policy block)', () => {
  it('stops reading a stream while paused, down to its socket, and resumes where it stopped', async () => {
    // 4 kB records every ms: the socket's kernel buffers fill within a few dozen records.
    const record = (c: Parameters<typeof defaultRecord>[0], seq: number): string =>
      defaultRecord(c, seq).replace('{', `{"pad":"${'x'.repeat(4096)}",`);
    const engine = await standIn(1, { streamIntervalMs: 1, record });
    const paused$ = new BehaviorSubject(false);
    const reads: number[] = [];
    const sub = rawStats$(connectEngine({ DOCKER_HOST: engine.address }).docker, fakeId(1), {
      paused$,
    }).subscribe((line) => reads.push(Date.parse(JSON.parse(line).read)));
    try {
      expect(await eventually(() => reads.length >= 5)).toBe(true);
      paused$.next(true);
      // Only a stream nobody reads leaves records waiting on the stand-in's side.
      expect(await eventually(() => engine.backlogged(fakeId(1)))).toBe(true);
      const atBacklog = reads.length;
      paused$.next(false);
      expect(await eventually(() => reads.length > atBacklog + 100)).toBe(true);
      // nothing skipped or repeated: the records come in sequence
      expect(reads.every((t, i) => i === 0 || t - reads[i - 1]! === 1000)).toBe(true);
    } finally {
      sub.unsubscribe();
    }
  });
});
