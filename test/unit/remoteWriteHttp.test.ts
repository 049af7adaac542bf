import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { from, interval, lastValueFrom, map, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRemoteWriteBody } from '../../src/deliver/remoteWriteRequest.js';
import { BODY_SHOWN } from '../../src/deliver/remoteWriteSink.js';
import { retryAfterMs } from '../../src/deliver/writeFailure.js';
import type { Point } from '../../src/model/point.js';
import type { DeliveryEvent } from '../../src/model/telemetry.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sinksFor } from '../../src/app/sinksFor.js';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import { captureLogger } from '../support/captureLogger.js';
import { tempDirs } from '../support/tempDirs.js';
import { memoryRemoteWriteSink, remoteWriteUrlOf, threeCpuPoints } from '../support/loopbackWrite.js';

const tempDir = tempDirs('dss-rw-spool-');

/** A loopback port nobody listens on now. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * One answer of the loopback server: status, headers, body; or `hang` (never answers), or
 * `trickle` (200 and its headers at once, then a byte of body every 50 ms, never ending).
 */
type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang' | 'trickle';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  readonly at: number;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A loopback server answering each request with the next answer (the last one again after). */
async function loopback(answers: Answer[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const pieces: Buffer[] = [];
    req.on('data', (p: Buffer) => pieces.push(p));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(pieces), at: Date.now() });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)]!;
      if (answer === 'hang') return;
      if (answer === 'trickle') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const drip = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(drip));
        return;
      }
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  return { url: await remoteWriteUrlOf(server), received };
}

const points = threeCpuPoints;

/** The remote_write sink as sinksFor makes it (memory buffer), with short backoffs. */
async function deliverTo(url: string, timeoutMs = 10_000) {
  const log = captureLogger();
  const sink = memoryRemoteWriteSink(url, log, { timeoutMs });
  const events = await lastValueFrom(sink.deliver(from(points)).pipe(toArray()));
  return { events, log };
}

const ofType = <T extends DeliveryEvent['type']>(events: DeliveryEvent[], type: T) =>
  events.filter((e): e is Extract<DeliveryEvent, { type: T }> => e.type === type);
const written = (events: DeliveryEvent[]): number => ofType(events, 'batch-written').reduce((n, e) => n + e.points, 0);
const rejected = (events: DeliveryEvent[]): number =>
  ofType(events, 'points-rejected').reduce((n, e) => n + e.points, 0);

describe('remote write over HTTP (loopback server)', () => {
  it("503 on every other request while points keep coming: a retry sends the first try's bytes again", async () => {
    const { url, received } = await loopback(Array.from({ length: 400 }, (_, i) => ({ status: i % 2 ? 200 : 503 })));
    const log = captureLogger();
    const sink = memoryRemoteWriteSink(url, log, {
      batch: { size: 7, intervalMs: 5 },
      retry: { maxRetries: 5, baseMs: 5, maxMs: 20 },
    });
    const many: Point[] = Array.from({ length: 120 }, (_, i) => ({
      measurement: 'cpu',
      tags: { container_id: `c${i % 9}`, container_name: `n\ud800${i % 9}` },
      fields: { usage_percent: i % 5 === 0 ? -0 : i },
      timestamp: `${1_700_000_000_000 + i * 1000}000000`,
    }));
    const events = await lastValueFrom(
      sink
        .deliver(
          interval(2).pipe(
            take(120),
            map((i) => many[i]!),
          ),
        )
        .pipe(toArray()),
    );
    // Bodies come from kept buffers, and a retry encodes its chunk again: the bytes must not change.
    expect(written(events)).toBe(120);
    for (let i = 0; i + 1 < received.length; i += 2) expect(received[i + 1]!.body.equals(received[i]!.body)).toBe(true);
    const values = received
      .filter((_, i) => i % 2 === 1)
      .flatMap((r) => decodeRemoteWriteBody(r.body).flatMap((t) => t.samples.map((x) => x.timestamp)));
    expect(values.sort((a, b) => a - b)).toEqual(many.map((_, i) => 1_700_000_000_000 + i * 1000));
  });

  it.each([200, 204])('%i: written, with the protocol headers and a snappy protobuf body', async (status) => {
    const { url, received } = await loopback([{ status }]);
    const { events } = await deliverTo(url);
    expect(written(events)).toBe(3);
    expect(events.every((e) => e.sink === 'remote_write')).toBe(true);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
    });
    expect(received[0]!.headers['user-agent']).toMatch(/docker-stats-service/);
    const [series] = decodeRemoteWriteBody(received[0]!.body);
    expect(series!.samples.map((s) => s.value)).toEqual([1, 2, 3]);
  });

  it('400: dropped, counted as rejected, its body logged (cut), not retried', async () => {
    const long = `bad sample: ${'x'.repeat(2000)}`;
    const { url, received } = await loopback([{ status: 400, body: long }]);
    const { events, log } = await deliverTo(url);
    expect(rejected(events)).toBe(3);
    expect(written(events)).toBe(0);
    expect(received).toHaveLength(1);
    const reason = ofType(events, 'points-rejected')[0]!.reason;
    expect(reason).toContain('HTTP 400: bad sample: xxx');
    expect(reason.length).toBeLessThan(BODY_SHOWN + 20);
    const warned = log.entries.find((e) => e.msg === 'the database rejected points');
    expect((warned?.obj as { reason?: string }).reason).toBe(reason);
  });

  it('401: dropped as rejected too (the spec retries no 4xx but 429)', async () => {
    const { url, received } = await loopback([{ status: 401, body: 'no' }]);
    const { events } = await deliverTo(url);
    expect(rejected(events)).toBe(3);
    expect(ofType(events, 'batch-failed')).toHaveLength(0);
    expect(received).toHaveLength(1);
  });

  it('429 with Retry-After: 1: retried no sooner than a second later, then written', async () => {
    const { url, received } = await loopback([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const { events } = await deliverTo(url);
    expect(written(events)).toBe(3);
    expect(received).toHaveLength(2);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(950);
    expect(ofType(events, 'points-retried')[0]?.points).toBe(3);
  });

  it('Retry-After as an HTTP date is honoured as well as seconds', () => {
    const now = Date.parse('Sun, 06 Dec 2026 03:00:00 GMT');
    const error = { statusCode: 429, headers: { 'retry-after': 'Sun, 06 Dec 2026 03:00:05 GMT' } };
    expect(retryAfterMs(error, now)).toBe(5000);
  });

  it('500 then 200: retried with backoff, then written once', async () => {
    const { url, received } = await loopback([{ status: 500, body: 'busy' }, { status: 200 }]);
    const { events } = await deliverTo(url);
    expect(written(events)).toBe(3);
    expect(rejected(events)).toBe(0);
    expect(received).toHaveLength(2);
    expect(decodeRemoteWriteBody(received[1]!.body)).toEqual(decodeRemoteWriteBody(received[0]!.body));
  });

  it('a server that never answers: the request times out and is retried, then the batch is kept', async () => {
    const { url, received } = await loopback(['hang']);
    const { events } = await deliverTo(url, 200);
    expect(written(events)).toBe(0);
    // two drains (the batch's, and the last one at the end), each a try and 3 retries
    expect(received.length).toBe(8);
    const failed = ofType(events, 'batch-failed');
    expect(failed.at(-1)?.reason).toMatch(/no answer from the remote-write URL within 200 ms/);
    expect(ofType(events, 'sink-closed')[0]!.points).toBe(3); // still in the buffer, not dropped
  });

  it('a server that trickles its answer (a byte at a time, never ending): timed out as one that never answers', async () => {
    // The socket is never idle for the timeout: only a deadline on the whole request ends it.
    const { url, received } = await loopback(['trickle']);
    const { events } = await deliverTo(url, 300);
    expect(written(events)).toBe(0);
    expect(received.length).toBe(8);
    const failed = ofType(events, 'batch-failed');
    expect(failed.at(-1)?.reason).toMatch(/no answer from the remote-write URL within 300 ms/);
    expect(ofType(events, 'sink-closed')[0]!.points).toBe(3);
  }, 60_000);

  it('spools in SPOOL_DIR/remote_write, beside the InfluxDB sink, and sends what the last run left first', async () => {
    const spoolDir = tempDir();
    const dead = `http://127.0.0.1:${await freePort()}/api/v1/write`; // nobody listens: refused
    const env = (url: string) => ({
      INFLUX_URL: 'http://127.0.0.1:1',
      REMOTE_WRITE_URL: url,
      SPOOL_DIR: spoolDir,
      MAX_RETRIES: '0',
    });
    const remoteWrite = (url: string) =>
      sinksFor(resolveConfig({ env: env(url) })).find((s) => s.name === 'remote_write')!;
    expect(sinksFor(resolveConfig({ env: env(dead) })).map((s) => s.name)).toEqual(['influxdb', 'remote_write']);
    expect(existsSync(join(spoolDir, 'remote_write'))).toBe(true);
    expect(existsSync(join(spoolDir, 'influxdb'))).toBe(true);
    const first = await lastValueFrom(remoteWrite(dead).deliver(from(points)).pipe(toArray()));
    expect(written(first)).toBe(0);
    expect(ofType(first, 'sink-closed')[0]!.points).toBe(3); // kept on disk
    const { url, received } = await loopback([{ status: 204 }]);
    const second = await lastValueFrom(remoteWrite(url).deliver(from([])).pipe(toArray()));
    expect(ofType(second, 'spool-opened')[0]!.points).toBe(3);
    expect(written(second)).toBe(3);
    const [series] = decodeRemoteWriteBody(received[0]!.body);
    expect(series!.samples.map((s) => s.value)).toEqual([1, 2, 3]);
  });
});
