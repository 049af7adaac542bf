import { type IncomingMessage, type Server, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { NEVER, Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telemetryBus } from '../../src/app/telemetryBus.js';
import { metricsServer } from '../../src/daemon/metricsServer.js';
import { selfMetrics } from '../../src/daemon/selfMetrics.js';
import { takesGzip } from '../../src/daemon/sendMetrics.js';
import type { Exposition } from '../../src/deliver/pointSink.js';
import { LatestSeries } from '../../src/deliver/prometheus/latestSeries.js';
import { type PrometheusSink, prometheusSink } from '../../src/deliver/prometheusSink.js';
import { type Point, int } from '../../src/model/point.js';
import { renderContainersText } from '../support/prometheusText.js';
import { eventually } from '../support/realEngine.js';

// Enough containers for a body of some 10 MB: more than the sockets hold, so a body is sent in many pieces.
const CONTAINERS = 2500;
const WAIT = 60_000; // a noisy machine
const IDLE_MS = 2_000; // the server's idle timeout here: a stalled scraper is cut after it
const id = (i: number): string => i.toString(16).padStart(64, '0');
const tagsOf = Array.from({ length: CONTAINERS }, (_, i) => ({
  container_id: id(i),
  container_name: `box-${i}-"quoted"\\é`,
  image: 'local/busybox',
}));

const fields = (names: readonly string[], seq: number) =>
  Object.fromEntries(names.map((name, i) => [name, int(seq * 1e6 + i)]));
const CPU = ['usage_total_ns', 'user_total_ns', 'system_total_ns', 'throttling_periods', 'throttled_periods'];
const MEMORY = ['usage_bytes', 'total_usage_bytes', 'limit_bytes', 'rss_bytes', 'cache_bytes'];
const NET = ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets', 'rx_errors', 'tx_errors'];

/** One record's points for every container, its values moved by `seq`. */
function tick(points$: Subject<Point>, seq: number): void {
  const timestamp = `${seq}000000000`;
  for (const tags of tagsOf) {
    points$.next({ measurement: 'cpu', tags, fields: fields(CPU, seq), timestamp });
    points$.next({ measurement: 'memory', tags, fields: fields(MEMORY, seq), timestamp });
    const net = { ...tags, interface: 'eth0' };
    points$.next({ measurement: 'network', tags: net, fields: fields(NET, seq), timestamp });
    const io = { ...tags, device: 'sda' };
    points$.next({ measurement: 'blockio', tags: io, fields: fields(['read_bytes', 'write_bytes'], seq), timestamp });
  }
}

interface Answer {
  readonly res: IncomingMessage;
  readonly body: Buffer;
}

/** A GET /metrics on a connection of its own; `onResponse` sees the response before its body is read. */
function get(port: number, headers: Record<string, string> = {}, onResponse?: (res: IncomingMessage) => void) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', headers, agent: false }, (res) => {
      const pieces: Buffer[] = [];
      onResponse?.(res);
      res.on('data', (p: Buffer) => pieces.push(p));
      res.on('end', () => resolve({ res, body: Buffer.concat(pieces) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The containers' part of a body: from their first HELP on (the daemon's own series come first). */
const containersOf = (body: Buffer): string => {
  const text = body.toString();
  return text.slice(text.indexOf('# HELP container_'));
};

describe('GET /metrics with the containers (kept buffer, gzip, scrapers that go away)', () => {
  let server: Server | undefined;
  let sink: PrometheusSink;
  let points$: Subject<Point>;
  /** Renders not yet released (sent or cut), and the most there were at once. */
  let lent = 0;
  let maxLent = 0;
  let port = 0;
  let serve: (idleMs?: number) => Promise<Server>;
  const telemetry = telemetryBus();
  // The reference: the same points into a LatestSeries of its own, written by the old renderer.
  let latest: LatestSeries;
  const reference = (): string => renderContainersText(latest.entries());

  beforeEach(async () => {
    sink = prometheusSink({ staleAfterMs: 3_600_000 });
    points$ = new Subject<Point>();
    sink.deliver(points$).subscribe();
    latest = new LatestSeries(3_600_000);
    points$.subscribe((p) => latest.put(p));
    lent = maxLent = 0;
    const exposition = (): Exposition => {
      const text = sink.render();
      lent += 1;
      maxLent = Math.max(maxLent, lent);
      return { text, release: () => ((lent -= 1), sink.released(text)) };
    };
    const answer = () => ({ ok: true, reasons: [] });
    serve = (idleMs?: number) =>
      metricsServer(0, selfMetrics(telemetry.state, NEVER), { live: answer, ready: answer }, exposition, idleMs);
    server = await serve();
    port = (server.address() as { port: number }).port;
  });
  afterEach(() => {
    points$.complete();
    server?.close();
  });

  it('sends the exposition whole, plain or gzip (as Prometheus asks), and gives the buffer back', async () => {
    tick(points$, 1);
    const plain = await get(port);
    expect(plain.res.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.res.headers['content-length'])).toBe(plain.body.length);
    expect(plain.body.length).toBeGreaterThan(6 * 2 ** 20); // more than the sockets hold
    expect(containersOf(plain.body)).toBe(reference());
    const zipped = await get(port, { 'accept-encoding': 'gzip' });
    expect(zipped.res.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.body.length / 5);
    expect(containersOf(gunzipSync(zipped.body))).toBe(reference());
    expect(await eventually(() => lent === 0, WAIT)).toBe(true);
  });

  it('a scraper that stops reading is cut once idle, and its buffer given back', async () => {
    tick(points$, 1);
    server?.close();
    server = await serve(IDLE_MS);
    let stalled: IncomingMessage | undefined;
    const cut = get((server.address() as { port: number }).port, {}, (res) => {
      res.pause(); // never read again
      stalled = res;
    }).then(
      () => 'whole',
      () => 'cut',
    );
    expect(await eventually(() => stalled !== undefined, WAIT)).toBe(true);
    expect(lent).toBe(1);
    expect(await eventually(() => lent === 0, WAIT)).toBe(true);
    stalled!.resume();
    expect(await cut).toBe('cut');
  });

  it('a scrape while another is still being sent: each gets the series of its own moment', async () => {
    tick(points$, 1);
    const before = reference();
    let slow: IncomingMessage | undefined;
    const first = get(port, {}, (res) => {
      res.pause(); // unread: most of the body is still to be sent, the kept buffer stays lent
      slow = res;
    });
    expect(await eventually(() => slow !== undefined, WAIT)).toBe(true);
    tick(points$, 2);
    const after = reference();
    expect(after).not.toBe(before);
    const [second, third] = await Promise.all([get(port), get(port, { 'accept-encoding': 'gzip' })]);
    expect(containersOf(second.body)).toBe(after);
    expect(containersOf(gunzipSync(third.body))).toBe(after);
    expect(maxLent).toBe(3);
    slow!.resume();
    expect(containersOf((await first).body)).toBe(before);
    expect(await eventually(() => lent === 0, WAIT)).toBe(true);
  });

  for (const gzip of [false, true]) {
    it(`a scraper gone mid-body (ECONNRESET${gzip ? ', gzip' : ''}) neither stops the server nor keeps the buffer`, async () => {
      tick(points$, 1);
      let cut = false;
      // Reset with the body begun: the server's next writes meet ECONNRESET (or EPIPE).
      void get(port, gzip ? { 'accept-encoding': 'gzip' } : {}, (res) => {
        res.socket.resetAndDestroy();
        cut = true;
      }).catch(() => {});
      expect(await eventually(() => cut && lent === 0, WAIT)).toBe(true);
      tick(points$, 2);
      const next = await get(port, gzip ? { 'accept-encoding': 'gzip' } : {});
      expect(containersOf(gzip ? gunzipSync(next.body) : next.body)).toBe(reference());
      expect(await eventually(() => lent === 0, WAIT)).toBe(true);
    });
  }

  it('takes gzip when Accept-Encoding allows it, and not when its q is 0', () => {
    expect(takesGzip(undefined)).toBe(false);
    expect(takesGzip('gzip')).toBe(true);
    expect(takesGzip('deflate, GZIP;q=0.5')).toBe(true);
    expect(takesGzip('*')).toBe(true);
    expect(takesGzip('gzip;q=0, br')).toBe(false);
    expect(takesGzip('identity')).toBe(false);
    expect(takesGzip('x-gzip2')).toBe(false);
  });

  it('does not gzip when gzip is refused by name, whatever `*` allows (RFC 9110, 12.5.3)', () => {
    // `*` stands for the codings not named: gzip;q=0 is a refusal that a `*` after it does not undo.
    expect(takesGzip('gzip;q=0, *')).toBe(false);
    expect(takesGzip('*, gzip;q=0')).toBe(false);
    expect(takesGzip('GZIP;Q=0, *;q=1')).toBe(false);
    expect(takesGzip('*;q=0, gzip')).toBe(true);
    expect(takesGzip('*;q=0')).toBe(false);
    expect(takesGzip('br, *;q=0.5')).toBe(true);
  });
});
