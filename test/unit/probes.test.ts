import type { Server } from 'node:http';
import { NEVER } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { loopHeartbeat } from '../../src/daemon/liveness.js';
import { metricsServer } from '../../src/daemon/metricsServer.js';
import { selfMetrics } from '../../src/daemon/selfMetrics.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { health } from '../../src/telemetry/telemetryState.js';
import { scrapeDaemon } from '../../src/top/scrapeDaemon.js';
import { folded } from '../support/telemetry.js';

// Lets due timers run; it asserts no time.
const turn = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

const outage: TelemetryEvent[] = [
  { type: 'engine-up', engine: 'unix:///var/run/docker.sock', watched: 3 },
  { type: 'batch-failed', points: 10, reason: 'connect ECONNREFUSED 127.0.0.1:8428', refused: false },
];

describe('liveness and readiness (issue 24)', () => {
  let server: Server | undefined;
  let stop: (() => void) | undefined;
  afterEach(() => {
    server?.close();
    stop?.();
  });

  it('during a database outage: /livez and /healthz answer 200, /readyz 503 naming the sink, dss_ready 0', async () => {
    const state = folded(outage);
    const heartbeat = loopHeartbeat();
    stop = heartbeat.stop;
    server = await metricsServer(
      0,
      selfMetrics(() => state, NEVER),
      {
        live: heartbeat.check,
        ready: () => health(state),
      },
    );
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    for (const path of ['/livez', '/healthz']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', reasons: [] });
    }
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'unhealthy',
      reasons: ['sink: connect ECONNREFUSED 127.0.0.1:8428'],
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^dss_ready 0$/m);
    expect(metrics).toMatch(/^dss_sink_failing 1$/m);
    expect(metrics).toMatch(/^dss_engines_unreachable 0$/m);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    // `top --daemon` shows the pipeline's health: readiness, not liveness.
    expect(await scrapeDaemon(base)).toMatchObject({
      healthy: false,
      reasons: ['sink: connect ECONNREFUSED 127.0.0.1:8428'],
    });
  });

  it('an engine whose source started but that has not answered yet is not ready (a hung engine never reads as ready)', async () => {
    const engine = 'tcp://127.0.0.1:23750';
    const described: TelemetryEvent = { type: 'engine-described', engine, statsSource: 'api', readsFrom: 'the API' };
    const state = folded([described]);
    server = await metricsServer(
      0,
      selfMetrics(() => state, NEVER),
      { live: () => ({ ok: true, reasons: [] }), ready: () => health(state) },
    );
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unhealthy', reasons: [`engine ${engine}: not answered yet`] });
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^dss_ready 0$/m);
    // its first answer, up or down, replaces the wait
    expect(health(folded([described, { type: 'engine-up', engine, watched: 0 }]))).toEqual({ ok: true, reasons: [] });
    expect(health(folded([described, { type: 'engine-down', engine, reason: 'timed out' }])).reasons).toEqual([
      `engine ${engine}: timed out`,
    ]);
    // described again after it answered (a resubscription): no wait again
    expect(health(folded([described, { type: 'engine-up', engine, watched: 0 }, described])).ok).toBe(true);
  });

  it('the heartbeat sees real stalls of the event loop: one passes, a second within the window fails it', async () => {
    const limits = { beatMs: 10, stallMs: 200, windowMs: 600_000, repeats: 2 };
    const heartbeat = loopHeartbeat(undefined, limits);
    stop = heartbeat.stop;
    const stall = async (): Promise<void> => {
      const until = performance.now() + 2 * limits.stallMs;
      while (performance.now() < until); // the loop blocked
      await turn(2 * limits.beatMs);
    };
    await turn(30);
    expect(heartbeat.check().ok).toBe(true);
    await stall();
    expect(heartbeat.check().ok).toBe(true);
    await stall();
    const answer = heartbeat.check();
    expect(answer.ok).toBe(false);
    expect(answer.reasons[0]).toMatch(/^event loop: blocked 2 times in 600 s, the last for \d+ ms, 0 s ago$/);
  });
});
