import { type Subscription, firstValueFrom, map, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSample } from '../../src/model/containerSample.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { cgroupSource } from '../../src/sources/cgroupSource.js';
import { rawStats$ } from '../../src/sources/engine/rawStats.js';
import type { Engine } from '../../src/sources/engine/engine.js';
import { decodeRecord } from '../../src/validate/decodeStats.js';
import type { StatsRecord } from '../../src/validate/engineStats.js';
import { toSample } from '../../src/validate/toSample.js';
import { captureLogger } from '../support/captureLogger.js';
import { dockerCli, dockerStatsBytes as bytes } from '../support/dockerCli.js';
import { logLines, spawnDaemon } from '../support/daemon.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';

const boxes = testContainers('cgroup');
const name = (n: string): string => `${boxes.prefix}${n}`;
let engine: Engine;
let gateway = '172.17.0.1';

beforeAll(async () => {
  engine = await realEngine();
  await boxes.removeAll();
  const info = (await engine.docker.getNetwork('bridge').inspect()) as {
    IPAM?: { Config?: Array<{ Gateway?: string }> };
  };
  gateway = info.IPAM?.Config?.[0]?.Gateway ?? gateway;
  await boxes.run('busy', ['sh', '-c', 'while :; do :; done'], { NanoCpus: 500_000_000 });
  await boxes.run('shm', ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=64 2>/dev/null; sleep 600'], {
    ShmSize: 256 * 2 ** 20,
  });
  await boxes.run('limited', ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=16 2>/dev/null; sleep 600'], {
    Memory: 64 * 2 ** 20,
  });
  await boxes.run('pids', ['sh', '-c', 'sleep 600 & sleep 600 & sleep 600'], { PidsLimit: 20 });
  await boxes.run('net', ['ping', '-i', '0.2', gateway]);
  await boxes.run('hostnet', ['sleep', '600'], { NetworkMode: 'host' });
}, 120_000);
afterAll(() => boxes.removeAll());

/** The next cgroup sample of one container, from the cgroup source in `cgroup` (strict) mode. */
async function cgroupRecord(container: string, events?: TelemetryEvent[]): Promise<ContainerSample> {
  const telemetry = { next: (e: TelemetryEvent) => events?.push(e) };
  const source = cgroupSource({
    choice: 'cgroup',
    sampleIntervalMs: 250,
    filters: { includeNames: [name(container)] },
    telemetry,
  });
  return firstValueFrom(source.stats$(engine).pipe(take(1), timeout(15_000)));
}

/** The engine's one-shot record of the same container, as a sample. */
async function apiRecord(container: string): Promise<ContainerSample> {
  const [listed] = await engine.docker.listContainers({ filters: { name: [name(container)] } });
  const stats: unknown = await engine.docker
    .getContainer(listed!.Id)
    .stats({ stream: false, 'one-shot': true } as never);
  const decoded = decodeRecord(JSON.stringify(stats));
  if (typeof decoded === 'string') throw new Error(decoded);
  return toSample({ id: listed!.Id, name: name(container), image: listed!.Image, labels: {} }, decoded);
}

/** Both records of a container, read one right after the other, and the seconds between them. */
async function both(container: string): Promise<{ ours: ContainerSample; api: ContainerSample; seconds: number }> {
  const ours = await cgroupRecord(container);
  const api = await apiRecord(container);
  const [a, b] = [ours.at, api.at];
  return { ours, api, seconds: Math.abs(b.seconds - a.seconds + (b.nanos - a.nanos) / 1e9) };
}

/** |ours - api| within what `perSecond` explains over the time between the reads, plus `slack`. */
const near = (
  ours: number | undefined,
  api: number | undefined,
  perSecond: number,
  seconds: number,
  slack: number,
): void => {
  expect(ours).toBeDefined();
  expect(Math.abs(ours! - api!)).toBeLessThanOrEqual(perSecond * (seconds + 0.05) + slack);
};

describe('the cgroup source against the Engine API, same containers, nearly the same moment', () => {
  it('a busy container limited to 0.5 CPU: CPU counters, system CPU and CPU count agree', async () => {
    const { ours, api, seconds } = await both('busy');
    const cpu = ours.cpu!;
    near(cpu.usageNs, api.cpu?.usageNs, 0.6e9, seconds, 2e7);
    near(cpu.userNs, api.cpu?.userNs, 0.6e9, seconds, 2e7);
    near(cpu.systemNs, api.cpu?.systemNs, 0.6e9, seconds, 2e7);
    near(cpu.hostNs, api.cpu?.hostNs, 2.1e9, seconds, 3e7);
    expect(cpu.onlineCpus).toBe(api.cpu?.onlineCpus);
    near(cpu.throttling?.periods, api.cpu?.throttling?.periods, 11, seconds, 2);
    expect(cpu.throttling?.throttledPeriods).toBeGreaterThan(0); // the 0.5 CPU quota bites
  });

  it('CPU usage_percent of the busy container: both sources within 5 points of each other, about 50 %', async () => {
    const percents = (samples: ContainerSample[]): number => {
      const [a, b] = samples;
      const cpus = b!.cpu!.onlineCpus!;
      return ((b!.cpu!.usageNs - a!.cpu!.usageNs) / (b!.cpu!.hostNs! - a!.cpu!.hostNs!)) * cpus * 100;
    };
    const source = cgroupSource({
      choice: 'cgroup',
      sampleIntervalMs: 1000,
      filters: { includeNames: [name('busy')] },
    });
    const ours = await firstValueFrom(source.stats$(engine).pipe(take(4), toArray(), timeout(20_000)));
    const [listed] = await engine.docker.listContainers({ filters: { name: [name('busy')] } });
    const apiRecords = await firstValueFrom(
      rawStats$(engine.docker, listed!.Id).pipe(
        map((line) => toSample(ours[0]!.container, decodeRecord(line) as StatsRecord)),
        take(4),
        toArray(),
        timeout(20_000),
      ),
    );
    const ourPercent = percents(ours.slice(2));
    const apiPercent = percents(apiRecords.slice(2));
    expect(Math.abs(ourPercent - apiPercent)).toBeLessThanOrEqual(5);
    expect(ourPercent).toBeGreaterThan(40);
    expect(ourPercent).toBeLessThan(60);
  }, 60_000);

  it('memory: usage, the limit the engine gives (the host memory when unlimited, exactly), inactive_file', async () => {
    for (const container of ['shm', 'limited']) {
      const { ours, api } = await both(container);
      expect(ours.memory?.limitBytes, container).toBe(api.memory?.limitBytes);
      expect(Math.abs(ours.memory!.usageBytes - api.memory!.usageBytes) / api.memory!.usageBytes).toBeLessThan(0.05);
      // total_inactive_file on this cgroup v1 host
      expect(ours.memory?.inactiveFileBytes).toBe(api.memory?.inactiveFileBytes);
      expect(ours.memory?.maxUsageBytes).toBeGreaterThanOrEqual(api.memory!.usageBytes);
    }
    expect((await cgroupRecord('limited')).memory?.limitBytes).toBe(64 * 2 ** 20);
  });

  it('pids: the current count and the limit, exactly', async () => {
    const { ours, api } = await both('pids');
    expect(ours.pids).toEqual(api.pids);
    expect(ours.pids?.limit).toBe(20);
  });

  it('networks: the same interfaces and counters (lo left out); none for --network host, as the engine', async () => {
    const { ours, api, seconds } = await both('net');
    const names = (s: ContainerSample) => (s.networks ?? []).map((n) => n.name);
    expect(names(ours)).toEqual(names(api));
    const eth0 = (s: ContainerSample) => s.networks!.find((n) => n.name === 'eth0')!;
    const [ourEth0, apiEth0] = [eth0(ours), eth0(api)];
    near(ourEth0.txPackets, apiEth0.txPackets, 6, seconds, 2);
    near(ourEth0.rxPackets, apiEth0.rxPackets, 6, seconds, 2);
    near(ourEth0.txBytes, apiEth0.txBytes, 6 * 100, seconds, 200);
    expect([ourEth0.txErrors, ourEth0.rxErrors]).toEqual([apiEth0.txErrors, apiEth0.rxErrors]);
    const host = await both('hostnet');
    expect([host.ours.networks, host.api.networks]).toEqual([undefined, undefined]);
  });

  it('block I/O: the same lists as the engine reads them (empty for page-cache writes on this kernel)', async () => {
    const { ours, api } = await both('shm');
    // the devices and counters of the bytes and ops lists
    expect(ours.blockio).toEqual(api.blockio);
  });
});

describe('the cgroup source on the real engine: ends, fallbacks', () => {
  it('a container removed while it is read: its stream ends quietly (no error), the others go on', async () => {
    const gone = await boxes.run('gone', ['sleep', '600']);
    const events: TelemetryEvent[] = [];
    const log = captureLogger();
    const source = cgroupSource({
      choice: 'cgroup',
      sampleIntervalMs: 100,
      filters: { includeNames: [name('gone'), name('shm')] },
      telemetry: { next: (e) => events.push(e) },
      log,
    });
    const seen: string[] = [];
    const sub: Subscription = source.stats$(engine).subscribe((d) => seen.push(d.container.name));
    try {
      expect(await eventually(() => seen.includes(name('gone')) && seen.includes(name('shm')))).toBe(true);
      await gone.remove({ force: true });
      expect(await eventually(() => events.filter((e) => e.type === 'stream-closed').length === 1)).toBe(true);
      const after = seen.length;
      expect(await eventually(() => seen.slice(after).includes(name('shm')))).toBe(true);
    } finally {
      sub.unsubscribe();
    }
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('auto: files it cannot find (HOST_CGROUP wrong) send that container to the Engine API, saying why once', async () => {
    const events: TelemetryEvent[] = [];
    const log = captureLogger();
    const source = cgroupSource({
      choice: 'auto',
      hostCgroup: '/nonexistent/cgroup',
      filters: { includeNames: [name('shm'), name('pids')] },
      telemetry: { next: (e) => events.push(e) },
      log,
    });
    const records = await firstValueFrom(source.stats$(engine).pipe(take(4), toArray(), timeout(20_000)));
    expect(new Set(records.map((r) => r.container.name))).toEqual(new Set([name('shm'), name('pids')]));
    expect(events.filter((e) => e.type === 'stream-opened').map((e) => (e as { source: string }).source)).toEqual([
      'api',
      'api',
    ]);
    const warnings = log.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]!.obj)).toContain('/nonexistent/cgroup');
  });

  it('the daemon: auto reads this local engine’s containers from cgroup files; STATS_SOURCE=api from the API, as before', async () => {
    for (const [statsSource, expected] of [
      ['auto', 'cgroup'],
      ['api', 'api'],
    ] as const) {
      const daemon = spawnDaemon({
        STATS_SOURCE: statsSource,
        INCLUDE_NAMES: `${name('shm')},${name('busy')}`,
        METRICS_PORT: '0',
      });
      try {
        expect(await eventually(() => daemon.stdout.filter((l) => l.startsWith('memory,')).length >= 4, 20_000)).toBe(
          true,
        );
      } finally {
        daemon.process.kill('SIGTERM');
      }
      expect(await daemon.exited).toBe(0);
      const started = logLines(daemon).some((l) => l.msg === 'reading container stats from cgroup files');
      expect(started, statsSource).toBe(expected === 'cgroup');
    }
  });

  it('the cgroup-mode daemon’s memory equals `docker stats --no-stream` within 5 %', async () => {
    const daemon = spawnDaemon({ STATS_SOURCE: 'cgroup', INCLUDE_NAMES: name('shm'), METRICS_PORT: '0' });
    let usage = 0;
    try {
      expect(await eventually(() => daemon.stdout.some((l) => l.startsWith('memory,')), 20_000)).toBe(true);
      const stdout = await dockerCli('stats', '--no-stream', '--format', '{{.MemUsage}}', name('shm'));
      const line = daemon.stdout.filter((l) => l.startsWith('memory,')).at(-1)!;
      usage = Number(/usage_bytes=(\d+)i/.exec(line)![1]);
      const cli = bytes(stdout.split('/')[0]!);
      expect(Math.abs(usage - cli) / cli).toBeLessThanOrEqual(0.05);
    } finally {
      daemon.process.kill('SIGTERM');
    }
    expect(await daemon.exited).toBe(0);
    expect(usage).toBeGreaterThan(64 * 2 ** 20);
  });
});
