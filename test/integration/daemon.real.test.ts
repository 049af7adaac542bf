import { describe, expect, it } from 'vitest';
import { logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { parseLineProtocol } from '../support/parseLineProtocol.js';
import { realBed } from '../support/realBed.js';
import { eventually } from '../support/realEngine.js';

const { boxes, vm } = realBed('daemon', { one: ['sleep', '600'], two: ['sh', '-c', 'while :; do sleep 0.1; done'] });
const names = ['one', 'two'].map((n) => `${boxes.prefix}${n}`);
const scrape = scrapeMetric;

const sinkEnv = (): Record<string, string> => ({
  INFLUX_URL: vm.url,
  INFLUX_ORG: 'dss',
  INFLUX_BUCKET: 'daemon',
  INFLUX_TOKEN: 'daemon-test-token',
  INCLUDE_NAMES: `${boxes.prefix}*`,
});

/** Points in VictoriaMetrics for our containers: one field every point of its measurement has. */
async function storedPoints(host = '.+'): Promise<Map<string, number>> {
  const perContainer = new Map<string, number>();
  for (const name of ['cpu_usage_percent', 'memory_usage_bytes', 'network_rx_bytes']) {
    for (const s of await vm.export(`${name}{container_name=~"${boxes.prefix}.*",host=~"${host}"}`)) {
      const c = s.metric.container_name!;
      perContainer.set(c, (perContainer.get(c) ?? 0) + s.values.length);
    }
  }
  return perContainer;
}

describe('the docker-stats-service CLI on the real engine and VictoriaMetrics', () => {
  it('delivers points for every test container, and serves /metrics and /healthz with moving counters', async () => {
    const port = await freePort();
    const daemon = spawnDaemon({ ...sinkEnv(), FLUSH_INTERVAL_MS: '500', METRICS_PORT: String(port) });
    try {
      expect(await eventually(async () => (await storedPoints()).size === 2, 20_000), daemon.stderr).toBe(true);
      const series = await vm.export(`cpu_usage_percent{container_name=~"${boxes.prefix}.*"}`);
      for (const s of series) expect(s.metric.host).toBeTruthy();

      const written = (): Promise<number> => scrape(port, 'dss_points_written_total');
      const first = await written();
      expect(first).toBeGreaterThan(0);
      expect(await eventually(async () => (await written()) > first, 10_000)).toBe(true);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      for (const name of [
        'dss_points_collected_total',
        'dss_batch_size_points_bucket',
        'dss_write_latency_seconds_count',
        'dss_active_streams 2',
        'dss_buffer_points',
        'dss_process_resident_memory_bytes',
        'dss_flushes_total{reason="time"}',
      ]) {
        expect(metrics).toContain(name);
      }
      const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(healthz.status).toBe(200);
      expect(await healthz.json()).toEqual({ status: 'ok', reasons: [] });
    } finally {
      daemon.process.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
    }
    expect(daemon.stderr).not.toContain('daemon-test-token');
  });

  it('stdout mode: prints parseable line protocol and nothing else on stdout', async () => {
    const daemon = spawnDaemon({ INCLUDE_NAMES: `${boxes.prefix}*`, METRICS_PORT: '0' });
    try {
      expect(await eventually(() => daemon.stdout.length >= 10, 15_000)).toBe(true);
    } finally {
      daemon.process.kill('SIGTERM');
    }
    expect(await daemon.exited).toBe(0);
    const points = daemon.stdout.filter((l) => l !== '').map(parseLineProtocol);
    expect(new Set(points.map((p) => p.tags.container_name))).toEqual(new Set(names));
    // A device-less blockio point is the io pressure (PSI) of this host; one with a device holds its
    // counters only (a cold page cache can make busybox's start read its binary from the disk).
    const blockio = points.filter((p) => p.measurement === 'blockio');
    const counters = new Set(['read_bytes', 'write_bytes', 'read_ops', 'write_ops']);
    for (const p of blockio) {
      if (p.tags.device === undefined) expect(p.fields).toHaveProperty('pressure_some_time_ns');
      else expect(Object.keys(p.fields).filter((k) => !counters.has(k))).toEqual([]);
    }
    expect(new Set(points.map((p) => p.measurement))).toEqual(
      new Set(['cpu', 'memory', 'network', 'container', ...(blockio.length > 0 ? ['blockio'] : [])]),
    );
    expect(logLines(daemon).some((l) => l.msg === 'docker-stats-service started')).toBe(true);
  });

  it('SIGTERM with a 10 min flush interval still delivers every collected point', async () => {
    // A host tag of this run's own tells its points apart from the other tests'.
    const host = `sigterm-${process.pid}-${Date.now()}`;
    const port = await freePort();
    const daemon = spawnDaemon({
      ...sinkEnv(),
      HOST_TAG: host,
      // The three measurements counted back (the `container` points have tests of their own).
      MEASUREMENTS: 'cpu,memory,network',
      FLUSH_INTERVAL_MS: '600000',
      BATCH_SIZE: '10000',
      METRICS_PORT: String(port),
    });
    expect(await eventually(async () => (await scrape(port, 'dss_points_collected_total')) >= 30, 30_000)).toBe(true);
    expect((await storedPoints(host)).size).toBe(0); // nothing was flushed yet
    daemon.process.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    const stopped = logLines(daemon).find((l) => typeof l.written === 'number');
    expect(stopped?.msg).toBe('stopped; everything collected was delivered');
    const written = stopped!.written as number;
    expect(written).toBeGreaterThan(20); // ~2 containers × 10 s × 3 points
    let after = new Map<string, number>();
    const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
    expect(await eventually(async () => total((after = await storedPoints(host))) >= written)).toBe(true);
    expect(total(after)).toBe(written);
    expect(after.size).toBe(2);
  }, 60_000);
});
