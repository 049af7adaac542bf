import { Subject, lastValueFrom, of, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { batchLines } from '../../src/batch/batchLines.js';
import { influxSink } from '../../src/deliver/influxSink.js';
import { PointBuffer } from '../../src/deliver/pointBuffer.js';
import { writeBatches } from '../../src/deliver/writeBatches.js';
import { type ChunkBatch, encodeChunk } from '../../src/model/chunk.js';
import type { DeliveryEvent } from '../../src/model/telemetry.js';
import { captureLogger } from '../support/captureLogger.js';
import { type Reply, ScriptedInflux } from '../support/fakeInflux.js';
import { eventually } from '../support/realEngine.js';
import { folded } from '../support/telemetry.js';

const servers: ScriptedInflux[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const TOKEN = 'secret-token-never-logged';
const lines = (n: number, from = 0): string[] =>
  Array.from(
    { length: n },
    (_, i) =>
      `cpu,container_name=c${from + i} usage_percent=${from + i} 170000000000000${String(from + i).padStart(4, '0')}`,
  );
// As batchLines makes them for the default sink (gzip on).
const batchOf = (items: string[]): ChunkBatch => ({ chunk: encodeChunk(items, true), reason: 'size' });
const kinds = (events: DeliveryEvent[]): string[] =>
  events.map((e) => e.type).filter((t) => t !== 'buffer-level' && t !== 'batch-accepted');

async function deliver(
  script: (n: number, request: { lines: string[] }) => Reply,
  batches: ChunkBatch[],
  options: { maxRetries?: number } = {},
) {
  let n = 0;
  const server = new ScriptedInflux((request) => script(n++, request));
  servers.push(server);
  const url = await server.start();
  const buffer = new PointBuffer(50_000_000);
  const log = captureLogger();
  const sink = influxSink({ url, token: TOKEN, org: 'acme', bucket: 'docker' });
  const events = await lastValueFrom(
    of(...batches).pipe(
      writeBatches(sink, { buffer, log, retry: { baseMs: 10, maxMs: 40, maxRetries: options.maxRetries ?? 3 } }),
      toArray(),
    ),
  );
  sink.close();
  return { server, buffer, counters: folded(events), log, events };
}

describe('writeBatches against a scripted HTTP server on loopback', () => {
  it('2xx: writes the batch as line protocol to /api/v2/write with precision ns and the token', async () => {
    const { server, counters, events } = await deliver(() => ({ status: 204 }), [batchOf(lines(3))]);
    expect(kinds(events)).toEqual(['batch-written']);
    expect(server.received[0]?.url).toBe('/api/v2/write?org=acme&bucket=docker&precision=ns');
    expect(server.received[0]?.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(server.received[0]?.lines).toEqual(lines(3));
    expect([counters.pointsWritten, counters.batchesWritten, counters.flushes.size]).toEqual([3, 1, 1]);
  });

  it('429 and 5xx: backs off and retries, and counts the retried points', async () => {
    const { server, counters } = await deliver((n) => ({ status: [503, 429, 204][n] ?? 204 }), [batchOf(lines(4))]);
    expect(server.received).toHaveLength(3);
    expect([counters.pointsWritten, counters.pointsRetried]).toEqual([4, 8]);
  });

  it('network errors are retried like 5xx', async () => {
    const { server, counters } = await deliver(
      (n) => (n === 0 ? { status: 0, hangUp: true } : { status: 204 }),
      [batchOf(lines(2))],
    );
    expect(server.received).toHaveLength(2);
    expect(counters.pointsWritten).toBe(2);
  });

  it('400: rejects the points the server names, writes the rest once more, and counts both', async () => {
    const bad = lines(5)[2]!;
    const { server, counters, log } = await deliver(
      (n) =>
        n === 0
          ? {
              status: 400,
              body: JSON.stringify({
                code: 'invalid',
                message: `partial write: unable to parse '${bad}': invalid field`,
              }),
            }
          : { status: 204 },
      [batchOf(lines(5))],
    );
    expect(server.received[1]?.lines).toEqual(lines(5).filter((l) => l !== bad));
    expect([counters.pointsRejected, counters.pointsWritten]).toEqual([1, 4]);
    expect(log.entries.some((e) => e.level === 'warn' && JSON.stringify(e.obj).includes('unable to parse'))).toBe(true);
  });

  it('400 / 422 naming nothing: rejects the whole batch, no retry for ever', async () => {
    const { server, counters } = await deliver(
      () => ({ status: 422, body: JSON.stringify({ message: 'points beyond retention policy' }) }),
      [batchOf(lines(3))],
    );
    expect(server.received).toHaveLength(1);
    expect([counters.pointsRejected, counters.pointsWritten]).toEqual([3, 0]);
  });

  it('413: splits in halves until accepted; a single point still too large is rejected', async () => {
    const huge = `cpu,container_name=big note="${'x'.repeat(3000)}" 1700000000000000000`;
    const items = [...lines(5), huge];
    const { server, counters } = await deliver(
      (_, req) => (req.lines.length > 2 || req.lines.some((l) => l.length > 2000) ? { status: 413 } : { status: 204 }),
      [batchOf(items)],
    );
    const written = server.received
      .filter((r) => r.lines.length <= 2 && !r.lines.some((l) => l.length > 2000))
      .flatMap((r) => r.lines);
    expect(written.sort()).toEqual(lines(5).sort());
    expect([counters.pointsWritten, counters.pointsRejected]).toEqual([5, 1]);
  });

  it('401 / 403 / 404: one clear error naming URL, org and bucket but never the token; points are kept', async () => {
    for (const status of [401, 403, 404]) {
      const { server, buffer, counters, log, events } = await deliver(
        () => ({ status, body: JSON.stringify({ message: 'unauthorized access' }) }),
        [batchOf(lines(3)), batchOf(lines(2, 3))],
      );
      expect(server.received.length).toBeGreaterThanOrEqual(2); // tried again at the next flush, not in a loop
      expect(kinds(events).every((t) => t === 'batch-failed')).toBe(true);
      expect([buffer.points, counters.pointsDropped, counters.pointsWritten]).toEqual([5, 0, 0]);
      const errors = log.entries.filter((e) => e.level === 'error');
      expect(errors).toHaveLength(1);
      const text = JSON.stringify(errors[0]) + (errors[0]?.msg ?? '');
      expect(text).toMatch(/127\.0\.0\.1:\d+ \(org acme, bucket docker\)/);
      expect(text).toContain('token');
      expect(JSON.stringify(log.entries)).not.toContain(TOKEN);
    }
  });

  it('a fixed credential resumes delivery at the next flush, in order', async () => {
    let authorized = false;
    const server = new ScriptedInflux(() => ({ status: authorized ? 204 : 401 }));
    servers.push(server);
    const sink = influxSink({ url: await server.start(), token: TOKEN, org: 'acme', bucket: 'docker' });
    const buffer = new PointBuffer(1_000_000);
    const batches = new Subject<ChunkBatch>();
    const flush$ = new Subject<void>();
    const done = lastValueFrom(batches.pipe(writeBatches(sink, { buffer, flush$, retry: { baseMs: 10 } }), toArray()));
    batches.next(batchOf(lines(2)));
    // refused: not retried in a loop, kept in the buffer
    expect(await eventually(() => server.received.length === 1 && buffer.points === 2)).toBe(true);
    authorized = true;
    flush$.next(); // SIGUSR1 or the next flush
    expect(await eventually(() => buffer.points === 0)).toBe(true);
    batches.next(batchOf(lines(1, 2)));
    batches.complete();
    const state = folded(await done);
    sink.close();
    expect(server.received.map((r) => r.lines)).toEqual([lines(2), lines(2), lines(1, 2)]);
    expect([state.pointsWritten, buffer.points, state.failing]).toEqual([3, 0, undefined]);
  });

  it('when retries run out the batch goes back to the buffer and is tried at the next flush', async () => {
    const { server, counters, buffer, events } = await deliver(
      (n) => ({ status: n < 2 ? 500 : 204 }),
      [batchOf(lines(3)), batchOf(lines(1, 3))],
      { maxRetries: 1 },
    );
    // first batch: 2 attempts (500, 500) -> back in the buffer; second flush: both go, oldest first
    expect(kinds(events)).toEqual(['points-retried', 'batch-failed', 'batch-written', 'batch-written']);
    expect(server.received[2]?.lines).toEqual(lines(3));
    expect([counters.batchesFailed, counters.pointsWritten, buffer.points]).toEqual([1, 4, 0]);
  });

  it('gzips bodies over 1 kB when compression is on (the default), and not when it is off', async () => {
    const big = lines(40);
    for (const compression of [true, false]) {
      const server = new ScriptedInflux(() => ({ status: 204 }));
      servers.push(server);
      const sink = influxSink({ url: await server.start(), org: 'acme', bucket: 'docker', compression });
      await lastValueFrom(
        of(...big).pipe(batchLines({ gzip: sink.gzip }), writeBatches(sink, { buffer: new PointBuffer(1e6) })),
      );
      sink.close();
      expect(server.received[0]?.headers['content-encoding']).toBe(compression ? 'gzip' : undefined);
      expect(server.received[0]?.lines).toEqual(big);
    }
  });
});
