import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priorityCgroup, runHeldBusyLoop } from '../support/cpuPriority.js';
import { type RunningDaemon, spawnDaemon } from '../support/daemon.js';
import { dockerCli, dockerStatsBytes as bytes } from '../support/dockerCli.js';
import { control, eventually, realEngine, testContainers } from '../support/realEngine.js';

// EXPOSE_CONTAINER_METRICS through the built daemon on the real engine: its /metrics scraped as
// Prometheus would, under cAdvisor's names, compared with the limits given and docker stats; the
// spec and swap series also from a second daemon reading the Engine API (STATS_SOURCE=api).
const boxes = testContainers('promexp');
const BUSY = `${boxes.prefix}busy`;
const SHM = `${boxes.prefix}shm`;
const IDLE = `${boxes.prefix}idle`;
const LIMIT = 64 * 1024 * 1024;
// The busy loop's cgroup parent, weighted above the rest of the loaded machine: it gets its half CPU.
const priority = priorityCgroup(`${boxes.prefix}cpu`);
let daemon: RunningDaemon | undefined;
let apiDaemon: RunningDaemon | undefined;
let port = 0;
let apiPort = 0;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port: free } = server.address() as { port: number };
  server.close();
  return free;
}

/** The samples of one metric, by the `name` label, with their other labels as text. */
async function scrape(metric: string, from = port): Promise<Map<string, { labels: string; value: number }>> {
  const text = await (await fetch(`http://127.0.0.1:${from}/metrics`)).text();
  const found = new Map<string, { labels: string; value: number }>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const name = /[{,]name="([^"]*)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (name !== undefined) found.set(name, { labels: line.slice(metric.length, line.lastIndexOf(' ')), value });
  }
  return found;
}
const valueOf = async (metric: string, name: string, from = port): Promise<number | undefined> =>
  (await scrape(metric, from)).get(name)?.value;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  await realEngine();
  await boxes.removeAll();
  await runHeldBusyLoop(boxes, priority, LIMIT);
  await boxes.run('shm', ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=64 2>/dev/null; sleep 600'], {
    ShmSize: 256 * 1024 * 1024,
  });
  await boxes.run('idle', ['sleep', '600']);
  port = await freePort();
  apiPort = await freePort();
  const env = { INCLUDE_NAMES: `${boxes.prefix}*`, EXPOSE_CONTAINER_METRICS: 'true', OUTPUT: 'file:/dev/null' };
  daemon = spawnDaemon({ ...env, METRICS_PORT: String(port), SAMPLE_INTERVAL_MS: '500' });
  apiDaemon = spawnDaemon({ ...env, METRICS_PORT: String(apiPort), STATS_SOURCE: 'api' });
  const answers = (at: number) => async (): Promise<boolean> =>
    fetch(`http://127.0.0.1:${at}/livez`).then(
      () => true,
      () => false,
    );
  expect(await eventually(answers(port), 15_000), daemon.stderr).toBe(true);
  expect(await eventually(answers(apiPort), 15_000), apiDaemon.stderr).toBe(true);
}, 30_000);
afterAll(async () => {
  for (const d of [daemon, apiDaemon]) d?.process.kill('SIGTERM');
  await Promise.all([daemon?.exited, apiDaemon?.exited]);
  await boxes.removeAll();
  await priority.remove();
});

describe('container metrics on the daemon /metrics (EXPOSE_CONTAINER_METRICS=true), real engine', () => {
  it('a busy container held to --cpus 0.5: container_cpu_usage_seconds_total rises at about 0.5/s, one cpu="total" series', async () => {
    expect(
      await eventually(async () => (await valueOf('container_cpu_usage_seconds_total', BUSY)) !== undefined, 20_000),
      daemon!.stderr,
    ).toBe(true);
    await sleep(2_000); // past the loop's first, partial, second
    const first = {
      cpu: await valueOf('container_cpu_usage_seconds_total', BUSY),
      at: await valueOf('container_last_seen', BUSY),
    };
    await sleep(6_000);
    const cpus = await scrape('container_cpu_usage_seconds_total');
    const second = { cpu: cpus.get(BUSY)!.value, at: await valueOf('container_last_seen', BUSY) };
    // The counter's rise over the samples' own times (container_last_seen), as rate() takes it.
    const rate = (second.cpu - first.cpu!) / (second.at! - first.at!);
    expect(rate).toBeGreaterThan(0.4);
    expect(rate).toBeLessThan(0.6);
    expect(cpus.get(BUSY)!.labels).toMatch(/,cpu="total"\}$/);
    expect(cpus.get(BUSY)!.labels).toContain(`id="/docker/`);
    expect(cpus.get(BUSY)!.labels).toContain(`image="local/busybox"`);
  }, 40_000);

  it('container_spec_memory_limit_bytes is --memory, and 0 (as cAdvisor) without a limit', async () => {
    expect(await valueOf('container_spec_memory_limit_bytes', BUSY)).toBe(LIMIT);
    expect(await valueOf('container_spec_memory_limit_bytes', IDLE)).toBe(0);
  });

  for (const source of ['cgroup', 'api'] as const) {
    const at = (): number => (source === 'cgroup' ? port : apiPort);
    const logs = (): string => (source === 'cgroup' ? daemon : apiDaemon)!.stderr;

    it(`${source}: container_spec_cpu_quota 50000 / container_spec_cpu_period 100000 (µs) for --cpus 0.5, none unlimited`, async () => {
      const quotas = async () => scrape('container_spec_cpu_quota', at());
      expect(await eventually(async () => (await quotas()).has(BUSY), 20_000), logs()).toBe(true);
      const mine = [...(await quotas()).keys()].filter((name) => name.startsWith(boxes.prefix));
      expect(mine).toEqual([BUSY]);
      expect((await quotas()).get(BUSY)!.value).toBe(50_000);
      const periods = await scrape('container_spec_cpu_period', at());
      expect([...periods.keys()].filter((name) => name.startsWith(boxes.prefix))).toEqual([BUSY]);
      expect(periods.get(BUSY)!.value).toBe(100_000);
      // The kernel's own, as cAdvisor reads them (cgroup v1 cpu controller).
      const id = (await control.getContainer(BUSY).inspect()).Id;
      const cpuDir = `/sys/fs/cgroup/cpu/docker/${id}`;
      if (existsSync(cpuDir)) {
        expect(Number(readFileSync(`${cpuDir}/cpu.cfs_quota_us`, 'utf8'))).toBe(50_000);
        expect(Number(readFileSync(`${cpuDir}/cpu.cfs_period_us`, 'utf8'))).toBe(100_000);
      }
    }, 30_000);

    it(`${source}: container_spec_memory_limit_bytes --memory and 0 unlimited`, async () => {
      const limits = async () => scrape('container_spec_memory_limit_bytes', at());
      expect(await eventually(async () => (await limits()).has(IDLE), 20_000), logs()).toBe(true);
      expect((await limits()).get(BUSY)?.value).toBe(LIMIT);
      expect((await limits()).get(IDLE)?.value).toBe(0);
      expect((await limits()).get(SHM)?.value).toBe(0);
    }, 30_000);

    it(`${source}: container_memory_swap where the source has swap accounting, no series where it has none`, async () => {
      const id = (await control.getContainer(IDLE).inspect()).Id;
      // cgroup v1 keeps swap accounting where the kernel has the memsw files (swapaccount=1);
      // the Engine API passes memory.stat's total_swap on only where the engine does.
      const stats = (await control.getContainer(IDLE).stats({ stream: false })) as unknown as {
        memory_stats?: { stats?: Record<string, number> };
      };
      const has =
        source === 'cgroup'
          ? existsSync(`/sys/fs/cgroup/memory/docker/${id}/memory.memsw.usage_in_bytes`)
          : stats.memory_stats?.stats?.total_swap !== undefined || stats.memory_stats?.stats?.swap !== undefined;
      console.log(`${source}: swap accounting ${has ? 'present' : 'absent'}`);
      expect(
        await eventually(
          async () => (await valueOf('container_memory_working_set_bytes', IDLE, at())) !== undefined,
          20_000,
        ),
      ).toBe(true);
      const swap = await valueOf('container_memory_swap', IDLE, at());
      if (!has) {
        expect(swap).toBeUndefined();
        return;
      }
      const stat = readFileSync(`/sys/fs/cgroup/memory/docker/${id}/memory.stat`, 'utf8');
      const total = Number(/^total_swap (\d+)$/m.exec(stat)?.[1]);
      // A sleeping busybox is not swapped out on a host without pressure: both 0 here, else close.
      expect(swap).toBeDefined();
      expect(Math.abs(swap! - total)).toBeLessThanOrEqual(64 * 1024);
    }, 30_000);
  }

  it('container_memory_working_set_bytes is within 5 % of docker stats --no-stream', async () => {
    expect(
      await eventually(
        async () => ((await valueOf('container_memory_working_set_bytes', SHM)) ?? 0) > 60 * 2 ** 20,
        15_000,
      ),
    ).toBe(true);
    const stdout = await dockerCli('stats', '--no-stream', '--format', '{{.MemUsage}}', SHM);
    const cli = bytes(stdout.split('/')[0]!);
    const ours = (await valueOf('container_memory_working_set_bytes', SHM))!;
    expect(Math.abs(ours - cli) / cli).toBeLessThanOrEqual(0.05);
  }, 20_000);

  it('container_last_seen for every running test container', async () => {
    const seen = await scrape('container_last_seen');
    for (const name of [BUSY, SHM, IDLE]) {
      expect(seen.get(name), name).toBeDefined();
      expect(Math.abs(seen.get(name)!.value - Date.now() / 1000)).toBeLessThan(10);
    }
  });

  it("after docker rm -f, the container's series leave /metrics", async () => {
    await control.getContainer(IDLE).remove({ force: true });
    const gone = async (): Promise<boolean> => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return !text.includes(`name="${IDLE}"`);
    };
    expect(await eventually(gone, 15_000)).toBe(true);
    expect(await valueOf('container_last_seen', BUSY)).toBeDefined();
  }, 20_000);
});
