import type { Server } from 'node:http';
import { NEVER, Subject, asyncScheduler, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDelivery } from '../../src/app/delivery.js';
import { containerStaleAfterMs, sinksFor } from '../../src/app/sinksFor.js';
import { telemetryBus } from '../../src/app/telemetryBus.js';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import { metricsServer } from '../../src/daemon/metricsServer.js';
import { selfMetrics } from '../../src/daemon/selfMetrics.js';
import { silentLogger } from '../../src/model/logger.js';
import { type Point, int } from '../../src/model/point.js';
import { samplePoints } from '../../src/transform/toPoints.js';
import { SampleMemory } from '../../src/transform/sampleMemory.js';
import { containerTagger } from '../../src/transform/containerTags.js';

const ID = 'c'.repeat(64);
const container = { id: ID, name: 'web', image: 'nginx', labels: {} };
const sample = (seconds: number, usageNs: number) => ({
  container,
  at: { seconds, nanos: 0 },
  cpu: { usageNs, userNs: usageNs / 2, systemNs: usageNs / 4, percentOf: 'cpu' as const },
  memory: { usageBytes: 2000, inactiveFileBytes: 500, limitBytes: 4000 },
});

describe('EXPOSE_CONTAINER_METRICS', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('adds the cumulative counters to cpu and memory points only when asked', () => {
    const memory = new SampleMemory(60_000, {}, containerTagger());
    samplePoints(sample(100, 1e9), memory, { counters: true });
    const [cpu, mem] = samplePoints(sample(101, 2e9), memory, { counters: true });
    expect(cpu!.fields).toMatchObject({ usage_total_ns: int(2e9), user_total_ns: int(1e9), system_total_ns: int(5e8) });
    expect(mem!.fields).toMatchObject({ usage_bytes: int(1500), total_usage_bytes: int(2000) });
    const plain = new SampleMemory(60_000, {}, containerTagger());
    samplePoints(sample(100, 1e9), plain);
    const [cpuPlain, memPlain] = samplePoints(sample(101, 2e9), plain);
    expect(cpuPlain!.fields).not.toHaveProperty('usage_total_ns');
    expect(memPlain!.fields).not.toHaveProperty('total_usage_bytes');
  });

  it("adds a `prometheus` sink only with the key, whose series /metrics serves after the daemon's own", async () => {
    expect(sinksFor(resolveConfig({ env: {} })).map((s) => s.name)).toEqual(['stdout']);
    const config = resolveConfig({ env: { EXPOSE_CONTAINER_METRICS: 'true', OUTPUT: 'file:/dev/null' } });
    const sinks = sinksFor(config);
    expect(sinks.map((s) => s.name)).toEqual(['file', 'prometheus']);
    const telemetry = telemetryBus();
    const delivery = openDelivery(config, { log: silentLogger, telemetry, scheduler: asyncScheduler, sinks });
    const points$ = new Subject<Point>();
    const done = lastValueFrom(points$.pipe(delivery.deliver, toArray()));
    const memory = new SampleMemory(60_000, {}, containerTagger());
    samplePoints(sample(100, 1e9), memory, { counters: true });
    for (const p of samplePoints(sample(101, 2e9), memory, { counters: true })) points$.next(p);
    server = await metricsServer(
      0,
      selfMetrics(telemetry.state, NEVER),
      { live: () => ({ ok: true, reasons: [] }), ready: () => ({ ok: true, reasons: [] }) },
      delivery.exposition,
    );
    const text = await (await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`)).text();
    expect(text).toMatch(/^dss_ready 1$/m);
    expect(text).toContain(
      `container_cpu_usage_seconds_total{id="/docker/${ID}",image="nginx",name="web",cpu="total"} 2\n`,
    );
    expect(text.indexOf('dss_ready')).toBeLessThan(text.indexOf('container_cpu_usage_seconds_total'));
    points$.complete();
    await done;
    telemetry.close();
  });

  it("forgets a silent container after three of its source's intervals: the engine's 1 s push in stream mode, not POLL_INTERVAL_MS", () => {
    const stale = (env: Record<string, string>): number => containerStaleAfterMs(resolveConfig({ env }));
    // api stream: the engine pushes a record a second and the statuses come every SAMPLE_INTERVAL_MS.
    expect(stale({ STATS_SOURCE: 'api', POLL_INTERVAL_MS: '20000' })).toBe(5_000);
    expect(stale({ STATS_SOURCE: 'api', SAMPLE_INTERVAL_MS: '4000', POLL_INTERVAL_MS: '20000' })).toBe(12_000);
    // poll mode: a record every POLL_INTERVAL_MS, from the Engine API (api, or auto's remote engines).
    expect(stale({ STATS_SOURCE: 'api', MODE: 'poll', POLL_INTERVAL_MS: '20000' })).toBe(60_000);
    expect(stale({ STATS_SOURCE: 'auto', MODE: 'poll', POLL_INTERVAL_MS: '20000' })).toBe(60_000);
    // cgroup: every SAMPLE_INTERVAL_MS, whatever MODE says.
    expect(stale({ STATS_SOURCE: 'cgroup', MODE: 'poll', POLL_INTERVAL_MS: '20000' })).toBe(5_000);
    expect(stale({ STATS_SOURCE: 'cgroup', SAMPLE_INTERVAL_MS: '3000' })).toBe(9_000);
  });
});
