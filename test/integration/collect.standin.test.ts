import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BehaviorSubject, of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type StatsLine, allStats$ } from '../../src/collect/allStats$.js';
import { connectEngine } from '../../src/collect/connection.js';
import { containerStats$ } from '../../src/collect/containerStats$.js';
import { readWindows } from '../../src/collect/readWindows.js';
import { captureLogger } from '../support/captureLogger.js';
import { eventually } from '../support/realEngine.js';
import { type StandInOptions, StandInEngine, fakeId } from '../support/standInEngine.js';

// Fault injection and scale against a stand-in engine on a unix socket (real HTTP, no mocks).
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

const countBy = (lines: StatsLine[], from = 0): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const s of lines.slice(from)) counts.set(s.container.name, (counts.get(s.container.name) ?? 0) + 1);
  return counts;
};

describe('allStats$ against a stand-in engine', () => {
  it('logs once when the engine goes away, then re-lists and resumes every stream when it is back', async () => {
    const engine = await standIn(2);
    const log = captureLogger();
    const lines: StatsLine[] = [];
    let failed: unknown;
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), { log, engineRetry: { baseMs: 20, maxMs: 100 } }).subscribe({
      next: (s) => lines.push(s),
      error: (e) => (failed = e),
    });
    try {
      expect(await eventually(() => countBy(lines).size === 2)).toBe(true);
      await engine.stop();
      await new Promise((r) => setTimeout(r, 400)); // several reconnection attempts fail meanwhile
      const during = lines.length;
      await engine.start();
      expect(await eventually(() => countBy(lines, during).size === 2)).toBe(true);
    } finally {
      sub.unsubscribe();
    }
    expect(failed).toBeUndefined();
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
    expect(log.entries.filter((e) => e.level === 'info' && e.msg?.includes('back'))).toHaveLength(1);
    expect(engine.requests.filter((p) => p === '/containers/json').length).toBeGreaterThanOrEqual(2);
  });

  it('caps the one-shot polls under way across all containers in poll mode', async () => {
    const engine = await standIn(20, { oneShotDelayMs: 50 });
    const lines: StatsLine[] = [];
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
    const lines: StatsLine[] = [];
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), { retry: { baseMs: 10, maxMs: 50 } }).subscribe((s) => lines.push(s));
    try {
      expect(await eventually(() => (countBy(lines).get('box-3') ?? 0) >= 5 && (countBy(lines).get('box-1') ?? 0) >= 5)).toBe(true);
    } finally {
      sub.unsubscribe();
    }
    expect(countBy(lines).has('box-2')).toBe(false);
    expect(engine.requests.filter((p) => p === `/containers/${fakeId(2)}/stats`).length).toBeGreaterThan(2);
  });

  it('starts a stream on a start event and ends it on die', async () => {
    const engine = await standIn(1);
    const lines: StatsLine[] = [];
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), { stopGraceMs: 0 }).subscribe((s) => lines.push(s));
    try {
      await eventually(() => lines.length > 0);
      const late = { id: fakeId(99), name: 'late' };
      engine.containers.set(late.id, late);
      engine.emitEvent('start', late);
      expect(await eventually(() => countBy(lines).has('late'))).toBe(true);
      engine.emitEvent('die', late);
      await new Promise((r) => setTimeout(r, 100));
      const after = countBy(lines).get('late');
      await new Promise((r) => setTimeout(r, 300)); // the stand-in keeps streaming: only die ends it
      expect(countBy(lines).get('late')).toBe(after);
      expect((countBy(lines).get('box-1') ?? 0)).toBeGreaterThan(3);
    } finally {
      sub.unsubscribe();
    }
  });

  it('tags records with a container’s new name from its rename on, also in the grace after die', async () => {
    const engine = await standIn(1);
    const lines: StatsLine[] = [];
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), { stopGraceMs: 400 }).subscribe((s) => lines.push(s));
    try {
      await eventually(() => countBy(lines).has('box-1'));
      engine.emitEvent('rename', { id: fakeId(1), name: 'renamed' });
      expect(await eventually(() => countBy(lines).has('renamed'))).toBe(true);
      const firstRenamed = lines.findIndex((s) => s.container.name === 'renamed');
      engine.emitEvent('die', { id: fakeId(1), name: 'renamed' });
      const atDie = lines.length;
      await new Promise((r) => setTimeout(r, 300)); // within the grace: the stream still delivers
      expect(lines.length).toBeGreaterThan(atDie);
      expect(countBy(lines, firstRenamed).get('box-1')).toBeUndefined();
      expect(lines.slice(firstRenamed).every((s) => s.container.name === 'renamed' && s.container.id === fakeId(1))).toBe(true);
    } finally {
      sub.unsubscribe();
    }
  });
});

describe('read windows (stream mode)', () => {
  it('reads the streams in bursts, one per window, and skips no record', async () => {
    const engine = await standIn(5, { streamIntervalMs: 20 });
    const arrivals: { at: number; line: StatsLine }[] = [];
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), { paused$: of(false).pipe(readWindows(300)) }).subscribe((line) =>
      arrivals.push({ at: performance.now(), line }),
    );
    try {
      expect(await eventually(() => arrivals.length > 0)).toBe(true);
      const start = arrivals.length;
      await new Promise((r) => setTimeout(r, 1500));
      const seen = arrivals.slice(start);
      // A burst: arrivals less than 100 ms apart. Records come every 20 ms from each of 5 streams,
      // so read as they come they would be one burst; in 300 ms windows they are about 5.
      const bursts = seen.filter((a, i) => i === 0 || a.at - seen[i - 1]!.at > 100).length;
      expect(bursts).toBeGreaterThanOrEqual(3);
      expect(bursts).toBeLessThanOrEqual(7);
      expect(seen.length).toBeGreaterThan(5 * 40); // ~50 records/s per stream arrive all the same
      for (const name of countBy(seen.map((a) => a.line)).keys()) {
        const reads = arrivals.filter((a) => a.line.container.name === name).map((a) => Date.parse(JSON.parse(a.line.line).read));
        expect(reads.every((t, i) => i === 0 || t - reads[i - 1]! === 1000), name).toBe(true);
      }
    } finally {
      sub.unsubscribe();
    }
  });
});

describe('backpressure (buffer policy block)', () => {
  it('stops reading a stream while paused, and resumes where it stopped', async () => {
    const engine = await standIn(1, { streamIntervalMs: 5 });
    const paused$ = new BehaviorSubject(false);
    const reads: number[] = [];
    const sub = containerStats$(connectEngine({ DOCKER_HOST: engine.address }).docker, fakeId(1), { paused$ }).subscribe((line) =>
      reads.push(Date.parse(JSON.parse(line).read)),
    );
    try {
      await eventually(() => reads.length >= 5);
      paused$.next(true);
      await new Promise((r) => setTimeout(r, 100)); // what was already framed drains
      const atPause = reads.length;
      await new Promise((r) => setTimeout(r, 500)); // ~100 records' worth of time
      expect(reads.length - atPause).toBeLessThanOrEqual(20); // at most what Node had already read from the socket
      paused$.next(false);
      expect(await eventually(() => reads.length > atPause + 30)).toBe(true);
      // nothing skipped or repeated: the records come in sequence
      expect(reads.every((t, i) => i === 0 || t - reads[i - 1]! === 1000)).toBe(true);
    } finally {
      sub.unsubscribe();
    }
  });

  it('skips polls while paused', async () => {
    const engine = await standIn(1);
    const paused$ = new BehaviorSubject(false);
    const polls = () => engine.requests.filter((p) => p.endsWith('/stats')).length;
    const sub = containerStats$(connectEngine({ DOCKER_HOST: engine.address }).docker, fakeId(1), { mode: 'poll', pollIntervalMs: 20, paused$ }).subscribe();
    try {
      await eventually(() => polls() >= 3);
      paused$.next(true);
      await new Promise((r) => setTimeout(r, 50));
      const atPause = polls();
      await new Promise((r) => setTimeout(r, 300));
      expect(polls()).toBe(atPause);
      paused$.next(false);
      expect(await eventually(() => polls() > atPause + 3)).toBe(true);
    } finally {
      sub.unsubscribe();
    }
  });
});
