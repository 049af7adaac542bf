import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/model/timestamp.js';
import { decoded, handBuilt } from '../support/handBuilt.js';
import { toSample } from '../../src/validate/toSample.js';

const container = { id: 'e'.repeat(64), name: 'web', image: 'local/busybox', labels: {} };
const at = (text: string) => parseInstant(text)!;
const sampleOf = (raw: unknown) => toSample(container, decoded(raw));
const edit = (raw: Record<string, any>, change: (r: Record<string, any>) => void): Record<string, any> => {
  const copy = structuredClone(raw);
  change(copy);
  return copy;
};
const nets = (...counters: number[][]) =>
  counters.map(([rx, rxp, rxe, rxd, tx, txp, txe, txd], i) => ({
    name: `eth${i}`,
    rxBytes: rx,
    txBytes: tx,
    rxPackets: rxp,
    txPackets: txp,
    rxErrors: rxe,
    txErrors: txe,
    rxDropped: rxd,
    txDropped: txd,
  }));

/** Podman 4.3's compat record (see podman.test.ts): two interfaces summed under `network` by Podman, plus one. */
const podman = {
  read: '2026-11-27T13:26:23.000000000Z',
  preread: '2026-11-27T13:26:22.000000000Z',
  pids_stats: { current: 1 },
  blkio_stats: { io_service_bytes_recursive: [], io_serviced_recursive: null },
  num_procs: 0,
  storage_stats: {},
  cpu_stats: {
    cpu_usage: { total_usage: 5e9, percpu_usage: [1, 2], usage_in_kernelmode: 8e6, usage_in_usermode: 4.992e9 },
    system_cpu_usage: 605_799_555_624,
    online_cpus: 2,
    cpu: 99.8,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  precpu_stats: {
    cpu_usage: { total_usage: 4e9, usage_in_kernelmode: 8e6, usage_in_usermode: 3.992e9 },
    system_cpu_usage: 604_789_555_624,
    cpu: 99.7,
  },
  memory_stats: { usage: 544_768, limit: 25_276_510_208 },
  networks: {
    network: {
      rx_bytes: 516,
      rx_packets: 0,
      rx_errors: 0,
      rx_dropped: 0,
      tx_bytes: 1220,
      tx_packets: 0,
      tx_errors: 0,
      tx_dropped: 0,
    },
    other: {
      rx_bytes: 4,
      rx_packets: 0,
      rx_errors: 0,
      rx_dropped: 0,
      tx_bytes: 6,
      tx_packets: 0,
      tx_errors: 0,
      tx_dropped: 0,
    },
  },
};

describe('toSample: the Engine API adapter', () => {
  it('Docker on cgroup v1: the host CPU time, CPUs, total_inactive_file, Read/Write per device, every interface', () => {
    expect(sampleOf(handBuilt('stats-cgroupv1.json'))).toEqual({
      container,
      at: at('2026-11-24T12:00:02.500000001Z'),
      cpu: {
        usageNs: 2.6e9,
        userNs: 2e9,
        systemNs: 6e8,
        hostNs: 20_004_000_000_000,
        onlineCpus: 2,
        percentOf: 'cpu',
        throttling: { periods: 10, throttledPeriods: 3, throttledNs: 123456 },
      },
      // no time: Linux's rule does not use it
      previous: { cpu: { usageNs: 1.6e9, userNs: 1.2e9, systemNs: 4e8, hostNs: 20_000_000_000_000, percentOf: 'cpu' } },
      memory: {
        usageBytes: 50_000_000,
        inactiveFileBytes: 10_000_000, // total_inactive_file, not inactive_file
        limitBytes: 200_000_000,
        maxUsageBytes: 60_000_000,
        rssBytes: 30_000_000,
        cacheBytes: 12_000_000,
      },
      pids: { current: 7 },
      networks: nets([1000, 10, 1, 2, 500, 5, 3, 4], [300, 3, 1, 2, 200, 2, 3, 4]),
      blockio: [
        { device: { major: 8, minor: 0 }, readBytes: 4096, writeBytes: 8192, readOps: 2, writeOps: 4 },
        { device: { major: 253, minor: 1 }, readBytes: 100, writeBytes: 0, readOps: 1, writeOps: 0 },
      ],
    });
  });

  it('Docker on cgroup v2: inactive_file, anon and file, lower-case ops, no ops lists', () => {
    const sample = sampleOf(handBuilt('stats-cgroupv2.json'));
    expect(sample.cpu).toMatchObject({ usageNs: 3e9, hostNs: 40_004_000_000_000, onlineCpus: 4, percentOf: 'cpu' });
    expect(sample.previous?.cpu).toMatchObject({ usageNs: 2e9, hostNs: 40_000_000_000_000 });
    expect(sample.memory).toEqual({
      usageBytes: 12_345_678,
      inactiveFileBytes: 3_000_000,
      limitBytes: 8e9,
      anonBytes: 5_000_000,
      fileBytes: 6_000_000,
    });
    expect(sample.pids).toEqual({ current: 5, limit: 18446744073709551615 });
    expect(sample.blockio).toEqual([
      { device: { major: 254, minor: 0 }, readBytes: 1187840, writeBytes: 4096 },
      { device: { major: 8, minor: 16 }, readBytes: 2048, writeBytes: 0 },
    ]);
  });

  it('Windows: 100 ns units to ns, num_procs CPUs, the host as 100 %, private working set, storage', () => {
    expect(sampleOf(handBuilt('stats-windows.json'))).toEqual({
      container,
      at: at('2026-11-24T12:00:02Z'),
      cpu: {
        usageNs: 15e9,
        userNs: 10e9,
        systemNs: 5e9,
        onlineCpus: 2,
        percentOf: 'host',
        throttling: { periods: 0, throttledPeriods: 0, throttledNs: 0 },
      },
      previous: {
        at: at('2026-11-24T12:00:01Z'),
        cpu: { usageNs: 14e9, userNs: 9.4e9, systemNs: 4.6e9, percentOf: 'host' },
      },
      memory: { usageBytes: 80_000_000, commitBytes: 100_000_000, commitPeakBytes: 120_000_000 },
      pids: {},
      networks: nets([4000, 40, 1, 2, 3000, 30, 3, 4]),
      blockio: [{ device: 'storage', readBytes: 491520, writeBytes: 122880, readOps: 120, writeOps: 30 }],
    });
  });

  it('Podman: no host CPU time (its system_cpu_usage is not one), networks as `all` with byte counters only', () => {
    const sample = sampleOf(podman);
    expect(sample.cpu).toEqual({
      usageNs: 5e9,
      userNs: 4.992e9,
      systemNs: 8e6,
      onlineCpus: 2,
      percentOf: 'cpu',
      throttling: { periods: 0, throttledPeriods: 0, throttledNs: 0 },
    });
    expect(sample.previous).toEqual({
      at: at('2026-11-27T13:26:22Z'),
      cpu: { usageNs: 4e9, userNs: 3.992e9, systemNs: 8e6, percentOf: 'cpu' },
    });
    expect(sample.networks).toEqual([{ name: 'all', rxBytes: 520, txBytes: 1226 }]);
    expect(sample.memory).toEqual({ usageBytes: 544_768, limitBytes: 25_276_510_208 });
    expect(sample.blockio).toBeUndefined();
  });

  it('the engine’s previous sample only when usable: not the empty precpu of a first or one-shot record', () => {
    const v1 = handBuilt('stats-cgroupv1.json');
    const win = handBuilt('stats-windows.json');
    const noBase = [
      edit(v1, (r) => (r.precpu_stats = {})),
      edit(v1, (r) => (r.precpu_stats.system_cpu_usage = 0)),
      edit(v1, (r) => (r.precpu_stats.cpu_usage.total_usage = 0)),
      edit(win, (r) => (r.preread = '0001-01-01T00:00:00Z')),
      edit(win, (r) => delete r.preread),
      edit(podman, (r) => (r.precpu_stats = { cpu_usage: { total_usage: 0 }, cpu: 0 })),
    ];
    for (const raw of noBase) expect(sampleOf(raw).previous).toBeUndefined();
    expect(sampleOf(edit(v1, (r) => (r.preread = '0001-01-01T00:00:00Z'))).previous).toBeDefined(); // Linux's base is the host CPU time
  });

  it('Linux rules: CPUs from percpu_usage without online_cpus; inactive_file without total_inactive_file; no CPU sample without the host CPU time', () => {
    const v1 = handBuilt('stats-cgroupv1.json');
    expect(sampleOf(edit(v1, (r) => delete r.cpu_stats.online_cpus)).cpu?.onlineCpus).toBe(2);
    expect(
      sampleOf(edit(handBuilt('stats-cgroupv2.json'), (r) => delete r.cpu_stats.online_cpus)).cpu,
    ).not.toHaveProperty('onlineCpus');
    const hierarchical = edit(v1, (r) => (r.memory_stats.stats.total_inactive_file = 60_000_000)); // not below usage
    expect(sampleOf(hierarchical).memory?.inactiveFileBytes).toBe(9_000_000);
    expect(sampleOf(edit(v1, (r) => delete r.memory_stats.stats.total_inactive_file)).memory?.inactiveFileBytes).toBe(
      9_000_000,
    );
    expect(sampleOf(edit(v1, (r) => delete r.cpu_stats.system_cpu_usage)).cpu).toBeUndefined();
  });

  it('the zeroed record of a stopped container: its time before the epoch, no counters', () => {
    const zeroed = {
      read: '0001-01-01T00:00:00Z',
      preread: '0001-01-01T00:00:00Z',
      cpu_stats: {
        cpu_usage: { total_usage: 0 },
        throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
      },
      precpu_stats: { cpu_usage: { total_usage: 0 } },
      memory_stats: {},
      pids_stats: {},
      blkio_stats: { io_service_bytes_recursive: null },
      num_procs: 0,
    };
    const sample = sampleOf(zeroed);
    expect(sample.at.seconds).toBeLessThanOrEqual(0);
    expect([sample.previous, sample.memory, sample.networks, sample.blockio]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
