import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, spawnDaemon } from '../support/daemon.js';
import { TEST_LABEL, control, eventually, realEngine, testContainers } from '../support/realEngine.js';
import { type ExportedSeries, VM_URL, exportSeries, requireVictoriaMetrics } from '../support/victoriaMetrics.js';

// The compose tags by default (no TAG_LABELS), from a real container's Compose labels, through
// the built daemon and both sources into the real VictoriaMetrics, read back with /api/v1/export.
const SUITE = 'compose';
const boxes = testContainers(SUITE);
const WEB = `${boxes.prefix}web`;
const LONE = `${boxes.prefix}lone`;
const RUN = `compose-${process.pid}-${Date.now()}`;

async function start(name: string, labels: Record<string, string>): Promise<void> {
  const container = await control.createContainer({
    Image: 'local/busybox',
    name,
    Cmd: ['sleep', '600'],
    Labels: { ...labels, [TEST_LABEL]: SUITE },
    StopTimeout: 0,
  });
  await container.start();
}

async function stop(daemon: RunningDaemon): Promise<number | null> {
  daemon.process.kill('SIGTERM');
  return daemon.exited;
}

/** Every series the daemon of one source wrote (its own `host` tag), by metric name. */
const seriesOf = async (host: string): Promise<ExportedSeries[]> => exportSeries(`{host="${host}"}`);
const named = (series: ExportedSeries[], container: string): ExportedSeries[] =>
  series.filter((s) => s.metric.container_name === container);

describe('compose_project and compose_service tags, read back from VictoriaMetrics', () => {
  beforeAll(async () => {
    await realEngine();
    await requireVictoriaMetrics();
    await boxes.removeAll();
    await start(WEB, { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' });
    await start(LONE, {});
  }, 30_000);
  afterAll(() => boxes.removeAll());

  for (const source of ['cgroup', 'api'] as const) {
    it(`STATS_SOURCE=${source}: every measurement of the Compose container has both tags; the other container neither`, async () => {
      const host = `${RUN}-${source}`;
      const daemon = spawnDaemon({
        STATS_SOURCE: source,
        INCLUDE_NAMES: `${WEB},${LONE}`,
        INFLUX_URL: VM_URL,
        INFLUX_ORG: 'dss',
        INFLUX_BUCKET: SUITE,
        FLUSH_INTERVAL_MS: '500',
        SAMPLE_INTERVAL_MS: '500',
        METRICS_PORT: '0',
        HOST_TAG: host,
      });
      // cpu needs a second sample; network and the lifecycle's `container` come with the first
      const wanted = ['cpu_usage_percent', 'memory_usage_bytes', 'network_rx_bytes', 'container_running'];
      const has = (series: ExportedSeries[]): boolean =>
        [WEB, LONE].every((c) => wanted.every((m) => named(series, c).some((s) => s.metric.__name__ === m)));
      try {
        const stored = await eventually(async () => has(await seriesOf(host)), 30_000);
        expect(stored, daemon.stderr).toBe(true);
      } finally {
        expect(await stop(daemon)).toBe(0);
      }
      const series = await seriesOf(host);
      const web = named(series, WEB);
      const measurements = new Set(web.map((s) => s.metric.__name__!.split('_')[0]));
      expect([...measurements].sort()).toEqual(
        source === 'cgroup'
          ? ['blockio', 'container', 'cpu', 'memory', 'network'] // blockio: its io pressure (PSI) on this host
          : ['container', 'cpu', 'memory', 'network'],
      );
      for (const s of web)
        expect(s.metric, s.metric.__name__).toMatchObject({ compose_project: 'shop', compose_service: 'web' });
      const lone = named(series, LONE);
      expect(lone.length).toBeGreaterThan(0);
      for (const s of lone) {
        expect(s.metric, s.metric.__name__).not.toHaveProperty('compose_project');
        expect(s.metric, s.metric.__name__).not.toHaveProperty('compose_service');
      }
    }, 60_000);
  }
});
