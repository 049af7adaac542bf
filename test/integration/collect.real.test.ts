import { type Subscription, filter, firstValueFrom, lastValueFrom, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRecord } from '../../src/model/records.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { allStats$ } from '../../src/sources/apiSource.js';
import { type Engine, EngineUnreachableError, checkEngine, connectEngine } from '../../src/sources/engine/engine.js';
import { rawStats$ } from '../../src/sources/engine/rawStats.js';
import { captureLogger } from '../support/captureLogger.js';
import { eventually, openHandles, realEngine, testContainers } from '../support/realEngine.js';

const boxes = testContainers('collect');
let engine: Engine;

beforeAll(async () => {
  engine = await realEngine();
  await boxes.removeAll();
});
afterAll(() => boxes.removeAll());

const named = (name: string) => filter((s: RawRecord) => s.container.name === `${boxes.prefix}${name}`);
const onlyMine = { includeNames: [`${boxes.prefix}*`] };

describe('rawStats$ and allStats$ on the real engine', () => {
  it('delivers records for each of 3 running containers within 3 s, with their identity', async () => {
    const started = await Promise.all(['a', 'b', 'c'].map((n) => boxes.run(n, ['sleep', '600'])));
    const seen = new Map<string, RawRecord>();
    await firstValueFrom(
      allStats$(engine, { filters: onlyMine }).pipe(
        filter((s) => {
          seen.set(s.container.name, s);
          return seen.size === 3;
        }),
        timeout(3000),
      ),
    );
    for (const [i, container] of started.entries()) {
      const stats = seen.get(`${boxes.prefix}${'abc'[i]}`);
      expect(stats?.container.id).toBe(container.id);
      expect(stats?.container.id).toMatch(/^[0-9a-f]{64}$/);
      expect(stats?.container.image).toBe('local/busybox');
      expect(JSON.parse(stats!.line).id).toBe(container.id);
    }
  });

  it('picks up a container started mid-run, and one that lives only a few seconds still yields samples', async () => {
    const lines: RawRecord[] = [];
    const sub = allStats$(engine, { filters: onlyMine }).subscribe((s) => lines.push(s));
    try {
      expect(await eventually(() => lines.some((s) => s.container.name === `${boxes.prefix}a`))).toBe(true);
      await boxes.run('late', ['sleep', '600']);
      await boxes.run('brief', ['sleep', '3']);
      expect(await eventually(() => lines.some((s) => s.container.name === `${boxes.prefix}late`))).toBe(true);
      expect(await eventually(() => lines.some((s) => s.container.name === `${boxes.prefix}brief`))).toBe(true);
    } finally {
      sub.unsubscribe();
    }
    expect(lines.every((s) => !s.line.includes('"read":"0001-01-01T00:00:00Z"'))).toBe(true);
  });

  it('completes the stream of a container that stops, and emits no zeroed record', async () => {
    const box = await boxes.run('stopping', ['sleep', '600']);
    const records: string[] = [];
    const done = lastValueFrom(rawStats$(engine.docker, box.id).pipe(toArray()));
    const sub = rawStats$(engine.docker, box.id).subscribe((l) => records.push(l));
    expect(await eventually(() => records.length >= 2)).toBe(true);
    await box.kill();
    const all = await done; // completes by itself: the engine's first zeroed record ends it
    sub.unsubscribe();
    expect(all.length).toBeGreaterThanOrEqual(1);
    for (const line of all) expect(JSON.parse(line).read).not.toBe('0001-01-01T00:00:00Z');
    // A stream opened on the now stopped container completes at once, empty.
    expect(await lastValueFrom(rawStats$(engine.docker, box.id).pipe(toArray()))).toEqual([]);
  });

  it('ends the stream of a removed container (404) instead of retrying', async () => {
    const box = await boxes.create('removed', ['sleep', '600']);
    await box.remove({ force: true });
    const lines = await lastValueFrom(rawStats$(engine.docker, box.id, { retry: { baseMs: 10 } }).pipe(toArray()));
    expect(lines).toEqual([]);
  });

  it('polls one-shot records in poll mode', async () => {
    const lines = await firstValueFrom(
      allStats$(engine, { filters: onlyMine, mode: 'poll', pollIntervalMs: 200, maxConcurrentPolls: 2 }).pipe(
        named('a'),
        take(3),
        toArray(),
        timeout(10_000),
      ),
    );
    const reads = lines.map((s) => JSON.parse(s.line).read as string);
    expect(new Set(reads).size).toBe(3);
    // one-shot records come without a precpu sample
    expect(JSON.parse(lines[0]!.line).precpu_stats.system_cpu_usage).toBeUndefined();
  });

  it('leaves no socket or handle behind after 50 start/stop cycles', async () => {
    const cyclers = await Promise.all([0, 1, 2, 3, 4].map((i) => boxes.create(`cycle-${i}`, ['sleep', '600'])));
    const before = openHandles();
    const lines: RawRecord[] = [];
    const sub: Subscription = allStats$(engine, { filters: { includeNames: [`${boxes.prefix}cycle-*`] } }).subscribe(
      (s) => lines.push(s),
    );
    for (let round = 0; round < 10; round++) {
      const from = lines.length;
      await Promise.all(cyclers.map((c) => c.start()));
      const sampled = await eventually(
        () => new Set(lines.slice(from).map((s) => s.container.id)).size === cyclers.length,
      );
      expect(sampled, `round ${round}: every started container sampled`).toBe(true);
      await Promise.all(cyclers.map((c) => c.kill()));
    }
    // While still watching: back to the event stream alone once the stopped streams have ended.
    const watching = await eventually(() => openHandles().sockets <= before.sockets + 1);
    expect(watching, `sockets ${JSON.stringify(openHandles())} vs before ${JSON.stringify(before)}`).toBe(true);
    sub.unsubscribe();
    const back = await eventually(() => {
      const now = openHandles();
      return now.sockets <= before.sockets && now.resources <= before.resources;
    });
    expect(back, `after: ${JSON.stringify(openHandles())}, before: ${JSON.stringify(before)}`).toBe(true);
    expect(new Set(lines.map((s) => s.container.id)).size).toBe(5);
  }, 180_000);

  it('gives one clear error naming the address and the cause for an unreachable DOCKER_HOST', async () => {
    const missing = connectEngine({ DOCKER_HOST: 'unix:///tmp/dss-no-such-engine.sock' });
    await expect(checkEngine(missing)).rejects.toThrow(
      /cannot reach the Docker engine at unix:\/\/\/tmp\/dss-no-such-engine\.sock: .*ENOENT/,
    );
    const refused = connectEngine({ DOCKER_HOST: 'tcp://127.0.0.1:1' });
    const error = await checkEngine(refused).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineUnreachableError);
    expect(String(error)).toMatch(/tcp:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);

    // allStats$ does not error: it logs the outage once and keeps retrying.
    const log = captureLogger();
    let downs = 0;
    const telemetry = { next: (e: TelemetryEvent) => void (e.type === 'engine-down' && downs++) };
    let failed: unknown;
    const sub = allStats$(missing, { log, telemetry, engineRetry: { baseMs: 5, maxMs: 20 } }).subscribe({
      error: (e) => (failed = e),
    });
    expect(await eventually(() => downs >= 5)).toBe(true);
    sub.unsubscribe();
    expect(failed).toBeUndefined();
    const warnings = log.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]?.obj)).toContain('dss-no-such-engine.sock');
  });
});
