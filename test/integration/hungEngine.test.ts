import { once } from 'node:events';
import { type Server, type Socket, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NEVER, type Subscription } from 'rxjs';
import { hostTagOf } from '../../src/app/hostTag.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { containers$ } from '../../src/sources/engine/containers.js';
import { connectEngine } from '../../src/sources/engine/engine.js';
import { watchContainers } from '../../src/sources/watchContainers.js';
import { captureLogger } from '../support/captureLogger.js';
import { type RunningDaemon, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { eventually } from '../support/realEngine.js';

// An engine that accepts connections and never answers: a hung dockerd, or a stuck proxy before it.
interface SilentEngine {
  readonly address: string;
  /** Connections it holds open now. */
  readonly open: Set<Socket>;
  readonly server: Server;
}

const silents: SilentEngine[] = [];
const subscriptions: Subscription[] = [];
const daemons: RunningDaemon[] = [];
afterEach(async () => {
  subscriptions.splice(0).forEach((s) => s.unsubscribe());
  for (const d of daemons.splice(0)) {
    d.process.kill('SIGKILL');
    await d.exited;
  }
  for (const { server, open } of silents.splice(0)) {
    open.forEach((s) => s.destroy());
    server.close();
  }
});

async function silentEngine(): Promise<SilentEngine> {
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    // reads (and drops) what it is sent, so that it sees a client close; answers nothing
    socket
      .resume()
      .on('close', () => open.delete(socket))
      .on('error', () => undefined);
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const engine = { address: `tcp://127.0.0.1:${(server.address() as { port: number }).port}`, open, server };
  silents.push(engine);
  return engine;
}

describe('an engine that accepts connections and never answers', () => {
  it('the daemon is not ready (/readyz 503 "not answered yet", dss_ready 0), and it stays alive (/livez 200)', async () => {
    const engine = await silentEngine();
    const port = await freePort();
    const daemon = spawnDaemon({ DOCKER_HOST: engine.address, OUTPUT: 'stdout', METRICS_PORT: String(port) });
    daemons.push(daemon);
    const readyz = async (): Promise<{ status: number; reasons: string[] }> => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        return { status: res.status, reasons: ((await res.json()) as { reasons: string[] }).reasons };
      } catch {
        return { status: 0, reasons: [] };
      }
    };
    expect(await eventually(async () => (await readyz()).status !== 0, 20_000), daemon.stderr).toBe(true);
    expect(await eventually(() => engine.open.size > 0, 20_000)).toBe(true); // its source asked
    expect(await readyz()).toEqual({ status: 503, reasons: [`engine ${engine.address}: not answered yet`] });
    expect(await scrapeMetric(port, 'dss_ready')).toBe(0);
    expect(await scrapeMetric(port, 'dss_points_collected_total')).toBe(0);
    expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
  }, 60_000);

  it('discovery fails after the listing timeout: the source reports the engine down naming the request, and retries', async () => {
    const engine = await silentEngine();
    const events: TelemetryEvent[] = [];
    const discovery$ = containers$(connectEngine({ DOCKER_HOST: engine.address }), {}, { waitMs: 100, answerMs: 500 });
    const watched$ = watchContainers(
      discovery$,
      () => NEVER,
      (c) => c,
      {
        engine: engine.address,
        source: 'api',
        engineRetry: { baseMs: 50, maxMs: 100 },
        log: captureLogger(),
        telemetry: { next: (e) => events.push(e) },
      },
    );
    subscriptions.push(watched$.subscribe());
    const downs = (): string[] => events.flatMap((e) => (e.type === 'engine-down' ? [e.reason] : []));
    expect(await eventually(() => downs().length >= 4, 20_000)).toBe(true);
    expect(downs()[0]).toBe(
      `the Docker engine at ${engine.address} did not answer GET /containers/json and /version within 0.5 s`,
    );
    // Each try's requests are aborted: the hung engine is not left a socket per try.
    expect(engine.open.size).toBeLessThanOrEqual(3);
  }, 30_000);

  it('the host tag falls back to the address when /info does not answer in time, with a warning naming the timeout', async () => {
    const engine = await silentEngine();
    const log = captureLogger();
    const tag = await hostTagOf(connectEngine({ DOCKER_HOST: engine.address }), undefined, log, 300);
    expect(tag).toBe('127.0.0.1');
    const warning = log.entries.find((e) => e.level === 'warn');
    expect(String((warning?.obj as { err?: Error } | undefined)?.err?.message)).toBe(
      `the Docker engine at ${engine.address} did not answer GET /info within 0.3 s`,
    );
    expect(await eventually(() => engine.open.size === 0, 5_000)).toBe(true); // the request was aborted
  }, 10_000);
});
