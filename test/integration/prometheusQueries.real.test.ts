import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { priorityCgroup, runHeldBusyLoop } from '../support/cpuPriority.js';
import { dockerCli, dockerStatsBytes } from '../support/dockerCli.js';
import { OwnPrometheus } from '../support/ownPrometheus.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { TEST_LABEL, control, eventually, realEngine, testContainers } from '../support/realEngine.js';

// The built daemon on the real engine, scraped every second by a real Prometheus (2.42, the test
// bed's) that also takes its remote write, queried through /api/v1/query with the PromQL that
// cAdvisor's dashboards and the kubernetes-mixin use. Scraped series carry `job` and `instance`
// and cAdvisor's `name`; remote-written ones neither `job` nor `instance`, and `container_name`:
// one Prometheus holds both routes without a series of one colliding with the other's.
const SUITE = 'promql';
const boxes = testContainers(SUITE);
const BUSY = `${boxes.prefix}busy`;
const SHM = `${boxes.prefix}shm`;
const RECV = `${boxes.prefix}recv`;
const PING = `${boxes.prefix}ping`;
const LIMIT = 64 * 1024 * 1024;
// rate()'s window: the dashboards' [30s] made [20s], so that the first query waits 20 s of
// samples rather than 30; at 1 s scrapes that is still 20 samples (a late scrape moves it by 5 %).
const RANGE = '20s';
let daemon: RunningDaemon;
let prom: OwnPrometheus;
let metricsPort = 0;
// The busy loop's cgroup parent, weighted above everything else on the machine: held to
// --cpus 0.5, it gets its half CPU (and is throttled) however loaded the shared machine is.
const priority = priorityCgroup(`${boxes.prefix}cpu`);

const scraped = (name: string): string => `job="dss",name="${name}"`;
/**
 * Waits until the busy container's counters have been scraped across the whole window, and from
 * before it: rate() divides by the whole range, so a series younger than it reads low (0.35 for
 * one 15 s old in a [20s] window).
 */
const windowFull = (): Promise<boolean> => {
  const busy = `container_cpu_usage_seconds_total{${scraped(BUSY)}}`;
  return eventually(
    async () =>
      ((await prom.value(`count_over_time(${busy}[${RANGE}])`)) ?? 0) >= 15 &&
      ((await prom.value(`count_over_time(${busy}[5s] offset ${RANGE})`)) ?? 0) > 0,
    120_000,
  );
};

beforeAll(async () => {
  await realEngine();
  await boxes.removeAll();
  await runHeldBusyLoop(boxes, priority, LIMIT);
  // 64 MiB in /dev/shm (charged to the container's memory), and the label TAG_LABELS picks
  const shm = await control.createContainer({
    Image: 'local/busybox',
    name: SHM,
    Cmd: ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=64 2>/dev/null; sleep 600'],
    Labels: { [TEST_LABEL]: SUITE, 'dss.team': 'alpha' },
    HostConfig: { ShmSize: 256 * 1024 * 1024 },
    StopTimeout: 0,
  });
  await shm.start();
  const recv = await boxes.run('recv', ['sleep', '600']);
  const ip = (await recv.inspect()).NetworkSettings.Networks.bridge!.IPAddress;
  // 1,000-byte pings 5 times a second on the bridge: recv receives about 5 kB/s
  await boxes.run('ping', ['ping', '-q', '-s', '1000', '-i', '0.2', ip]);

  metricsPort = await freePort();
  prom = await new OwnPrometheus([`127.0.0.1:${metricsPort}`]).start();
  daemon = spawnDaemon({
    INCLUDE_NAMES: `${boxes.prefix}*`,
    EXPOSE_CONTAINER_METRICS: 'true',
    METRICS_PORT: String(metricsPort),
    // the cgroup files: the source that reads PSI (container_pressure_*)
    STATS_SOURCE: 'cgroup',
    SAMPLE_INTERVAL_MS: '1000',
    TAG_LABELS: 'dss.team',
    OUTPUT: 'file:/dev/null',
    REMOTE_WRITE_URL: prom.remoteWriteUrl,
    FLUSH_INTERVAL_MS: '500',
  });
  const up = async (): Promise<boolean> => (await prom.value(`up{job="dss"}`)) === 1;
  expect(await eventually(up, 60_000), `${daemon.stderr}\n${prom.stderr}`).toBe(true);
}, 180_000);

afterAll(async () => {
  daemon?.process.kill('SIGTERM');
  await daemon?.exited;
  await prom?.remove();
  await boxes.removeAll();
  await priority.remove();
}, 60_000);

describe('PromQL on a real Prometheus scraping the daemon and taking its remote write', () => {
  it(`rate(container_cpu_usage_seconds_total[${RANGE}]) of a busy loop held to --cpus 0.5 is near 0.5`, async () => {
    expect(await windowFull(), daemon.stderr).toBe(true);
    const rate = await prom.value(`rate(container_cpu_usage_seconds_total{${scraped(BUSY)},cpu="total"}[${RANGE}])`);
    expect(rate).toBeGreaterThan(0.35);
    expect(rate).toBeLessThan(0.6);
  }, 150_000);

  it('the kubernetes-mixin CPU throttling ratio of the throttled container is above 0.25', async () => {
    expect(await windowFull()).toBe(true);
    const by = `{${scraped(BUSY)}}[${RANGE}]`;
    const ratio = await prom.value(
      `sum(increase(container_cpu_cfs_throttled_periods_total${by})) / sum(increase(container_cpu_cfs_periods_total${by}))`,
    );
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThanOrEqual(1);
  }, 150_000);

  it('the CPU pressure of the throttled container rises', async () => {
    expect(await windowFull()).toBe(true);
    const waiting = await prom.value(
      `increase(container_pressure_cpu_waiting_seconds_total{${scraped(BUSY)}}[${RANGE}])`,
    );
    expect(waiting).toBeGreaterThan(0);
  }, 150_000);

  it('container_spec_memory_limit_bytes is the --memory limit', async () => {
    expect(await prom.value(`container_spec_memory_limit_bytes{${scraped(BUSY)}}`)).toBe(LIMIT);
  });

  it("container_memory_working_set_bytes is docker stats' memory within 5 %", async () => {
    const query = `container_memory_working_set_bytes{${scraped(SHM)}}`;
    expect(await eventually(async () => ((await prom.value(query)) ?? 0) > 60 * 2 ** 20, 60_000)).toBe(true);
    const cli = dockerStatsBytes(
      (await dockerCli('stats', '--no-stream', '--format', '{{.MemUsage}}', SHM)).split('/')[0]!,
    );
    const ours = (await prom.value(query))!;
    expect(Math.abs(ours - cli) / cli).toBeLessThanOrEqual(0.05);
  }, 90_000);

  it('rate(container_network_receive_bytes_total) of a container that is pinged is above 1 kB/s', async () => {
    expect(await windowFull()).toBe(true);
    const received = await prom.query(
      `sum by (name) (rate(container_network_receive_bytes_total{${scraped(RECV)}}[${RANGE}]))`,
    );
    expect(received.map((s) => s.metric.name)).toEqual([RECV]);
    expect(received[0]!.value).toBeGreaterThan(1000);
  }, 150_000);

  it('container_last_seen for every running test container, and it advances', async () => {
    const running = (await control.listContainers({ filters: { label: [`${TEST_LABEL}=${SUITE}`] } }))
      .map((c) => c.Names[0]!.slice(1))
      .sort();
    expect(running).toEqual([BUSY, PING, RECV, SHM].sort());
    const seen = await prom.query(`delta(container_last_seen{job="dss",name=~"${boxes.prefix}.*"}[${RANGE}]) > 0`);
    expect(seen.map((s) => s.metric.name).sort()).toEqual(running);
  });

  it('series per container: one cpu="total", no per-CPU series, no container_label_* the container lacks', async () => {
    const series = async (name: string): Promise<Array<Record<string, string>>> =>
      (await prom.query(`{${scraped(name)}}`)).map((s) => s.metric);
    const [busy, shm] = [await series(BUSY), await series(SHM)];
    const counts = await prom.query(`count by (name) ({job="dss",name=~"${boxes.prefix}(busy|shm)"})`);
    expect(Object.fromEntries(counts.map((s) => [s.metric.name, s.value]))).toEqual({
      [BUSY]: busy.length,
      [SHM]: shm.length,
    });
    // one series per name, but per network interface and per block device
    for (const all of [busy, shm]) {
      const identity = new Set(all.map((m) => `${m.__name__} ${m.interface ?? ''} ${m.device ?? ''}`));
      expect(identity.size).toBe(all.length);
      expect(all.filter((m) => m.cpu !== undefined && m.cpu !== 'total')).toEqual([]);
    }
    expect(busy.filter((m) => m.__name__ === 'container_cpu_usage_seconds_total').map((m) => m.cpu)).toEqual(['total']);
    // the label key is the shm container's alone: on all its series, on none of busy's
    expect(busy.flatMap((m) => Object.keys(m).filter((k) => k.startsWith('container_label_')))).toEqual([]);
    expect(shm.filter((m) => m.container_label_dss_team !== 'alpha')).toEqual([]);
    // the labels are cAdvisor's and the scrape's, nothing else
    const cadvisor = new Set(['__name__', 'cpu', 'device', 'id', 'image', 'instance', 'interface', 'job', 'name']);
    expect([...new Set(busy.flatMap((m) => Object.keys(m)))].filter((k) => !cadvisor.has(k))).toEqual([]);
    console.log(`series of the busy container: ${busy.length}; of the labelled one: ${shm.length}`);
  });

  it('remote write: the series are in Prometheus, and absent 2 s after their stale markers once docker rm -f', async () => {
    const selector = `{container_name="${BUSY}"}`;
    const written = async (): Promise<boolean> =>
      ((await prom.value(`count(cpu_usage_percent${selector})`)) ?? 0) > 0 &&
      ((await prom.value(`count(container_running${selector})`)) ?? 0) > 0;
    expect(await eventually(written, 60_000), daemon.stderr).toBe(true);
    const before = (await prom.value(`count(${selector})`))!;
    expect(before).toBeGreaterThan(10);

    await control.getContainer(BUSY).remove({ force: true });
    // the exit (container_running 0) comes, then the markers: the series leave an instant query now,
    // which without them would hold them for the 5-minute lookback
    const exited = async (): Promise<boolean> =>
      (await prom.samples(`container_running${selector}[5m]`))[0]?.samples.at(-1)?.[1] === 0;
    expect(await eventually(exited, 60_000), daemon.stderr).toBe(true);
    expect(await eventually(async () => (await prom.query(selector)).length === 0, 60_000)).toBe(true);

    // the markers are 1 ms after the container's last sample (src/encode/staleMarkers.ts)
    const stored = await prom.samples(`${selector}[10m]`);
    expect(stored.length).toBeGreaterThanOrEqual(before); // and the exit's own (container_exit_code)
    const last = Math.max(...stored.map((s) => s.samples.at(-1)![0]));
    const marker = Math.round(last * 1000 + 1) / 1000;
    expect(await prom.value(`count(${selector})`, last)).toBe(stored.length);
    expect(await prom.query(selector, marker + 2)).toEqual([]);
    // the scraped series leave too (Prometheus marks them stale when /metrics drops them)
    expect(await eventually(async () => (await prom.query(`{${scraped(BUSY)}}`)).length === 0, 60_000)).toBe(true);

    // Prometheus took every batch (it answers 400 to a request with an out-of-order or duplicate sample)
    expect(await scrapeMetric(metricsPort, 'dss_points_rejected_total{sink="remote_write"}')).toBe(0);
    const refused = logLines(daemon).filter((l) => l.msg === 'the database rejected points' || Number(l.level) >= 50);
    expect(refused).toEqual([]);
  }, 240_000);
});
