import { describe, expect, it } from 'vitest';
import { blockioFields } from '../../src/transform/blockio.js';
import { cpuFields } from '../../src/transform/cpu.js';
import { memoryFields } from '../../src/transform/memory.js';
import { networkFields } from '../../src/transform/network.js';
import { int } from '../../src/model/point.js';
import { parseInstant } from '../../src/model/timestamp.js';
import { handBuilt, sampled } from '../support/handBuilt.js';

const v1 = handBuilt('stats-cgroupv1.json');
const v2 = handBuilt('stats-cgroupv2.json');
const win = handBuilt('stats-windows.json');
const at = (text: string) => parseInstant(text)!;
const cpuOf = (raw: Record<string, any>, previous?: Parameters<typeof cpuFields>[1]) =>
  cpuFields(sampled(raw), previous);
/** The engine's previous sample of a record, as the collector's own previous sample taken at `read`. */
const previousOf = (raw: Record<string, any>, read: string) => ({ at: at(read), cpu: sampled(raw).previous!.cpu });
const edit = (raw: Record<string, any>, change: (r: Record<string, any>) => void): Record<string, any> => {
  const copy = structuredClone(raw);
  change(copy);
  return copy;
};

describe('cpu', () => {
  it.each([
    // Δtotal / Δsystem × online_cpus × 100
    ['cgroup v1', v1, (1e9 / 4e9) * 2 * 100, (2e8 / 4e9) * 2 * 100, (8e8 / 4e9) * 2 * 100],
    ['cgroup v2', v2, (1e9 / 4e9) * 4 * 100, (2.5e8 / 4e9) * 4 * 100, (7.5e8 / 4e9) * 4 * 100],
    // Δtotal / (Δread in 100 ns × num_procs) × 100: 1e7 / (1e7 × 2) × 100
    ['Windows', win, 50, (4e6 / 2e7) * 100, (6e6 / 2e7) * 100],
  ])('%s: usage, system and user percent against precpu_stats', (_, raw, usage, system, user) => {
    expect(cpuOf(raw)).toMatchObject({ usage_percent: usage, system_percent: system, user_percent: user });
  });

  it('counts CPUs from percpu_usage when online_cpus is missing, else 1', () => {
    const noOnline = edit(v1, (r) => delete r.cpu_stats.online_cpus);
    expect(cpuOf(noOnline)?.usage_percent).toBe((1e9 / 4e9) * 2 * 100);
    const neither = edit(v2, (r) => delete r.cpu_stats.online_cpus);
    expect(cpuOf(neither)?.usage_percent).toBe((1e9 / 4e9) * 1 * 100);
  });

  it('with an empty precpu, uses the collector’s previous sample, else writes no cpu point', () => {
    const first = edit(v1, (r) => {
      r.precpu_stats = {
        cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
        throttling_data: {},
      };
      r.preread = '0001-01-01T00:00:00Z';
    });
    expect(cpuOf(first)).toBeUndefined();
    const previous = previousOf(v1, '2026-11-24T12:00:00.500000001Z');
    expect(cpuOf(first, previous)?.usage_percent).toBe((1e9 / 4e9) * 2 * 100);
    const winFirst = edit(win, (r) => {
      r.precpu_stats = { cpu_usage: { total_usage: 0 } };
      r.preread = '0001-01-01T00:00:00Z';
    });
    expect(cpuOf(winFirst)).toBeUndefined();
    // previous Windows sample 2 s earlier: 1e7 / (2e7 × 2) × 100
    expect(cpuOf(winFirst, previousOf(win, '2026-11-24T12:00:00Z'))?.usage_percent).toBe(25);
  });

  it('writes no cpu point when a counter went backwards (restart) or the system did not advance', () => {
    expect(cpuOf(edit(v1, (r) => (r.precpu_stats.cpu_usage.total_usage = 9e9)))).toBeUndefined();
    expect(cpuOf(edit(v2, (r) => (r.precpu_stats.system_cpu_usage = r.cpu_stats.system_cpu_usage)))).toBeUndefined();
    const kernelBack = cpuOf(edit(v1, (r) => (r.precpu_stats.cpu_usage.usage_in_kernelmode = 9e9)));
    expect(kernelBack?.system_percent).toBeUndefined(); // never negative
    expect(kernelBack?.usage_percent).toBe(50);
  });

  it('adds throttling and pids where reported, and leaves out an unlimited pids limit', () => {
    expect(cpuOf(v1)).toMatchObject({
      throttling_periods: int(10),
      throttled_periods: int(3),
      throttled_time_ns: int(123456),
      pids_current: int(7),
    });
    expect(cpuOf(v1)).not.toHaveProperty('pids_limit');
    expect(cpuOf(v2)).toMatchObject({ pids_current: int(5) });
  });
});

describe('memory', () => {
  it.each([
    [
      'cgroup v1: usage - total_inactive_file',
      v1,
      false,
      { usage_bytes: int(40_000_000), limit_bytes: int(200_000_000), usage_percent: 20 },
    ],
    [
      'cgroup v2: usage - inactive_file',
      v2,
      false,
      { usage_bytes: int(9_345_678), limit_bytes: int(8_000_000_000), usage_percent: (9_345_678 / 8e9) * 100 },
    ],
    [
      'Windows: privateworkingset',
      win,
      true,
      { usage_bytes: int(80_000_000), commit_bytes: int(100_000_000), commit_peak_bytes: int(120_000_000) },
    ],
  ])('%s', (_, raw, windows, expected) => {
    expect(memoryFields(sampled(raw).memory)).toMatchObject(expected);
  });

  it('never subtracts cache, and falls back to usage when inactive_file is not smaller', () => {
    const noInactive = edit(v1, (r) => {
      delete r.memory_stats.stats.total_inactive_file;
      delete r.memory_stats.stats.inactive_file;
    });
    expect(memoryFields(sampled(noInactive).memory)?.usage_bytes).toEqual(int(50_000_000));
    const larger = edit(v2, (r) => (r.memory_stats.stats.inactive_file = 20_000_000));
    expect(memoryFields(sampled(larger).memory)?.usage_bytes).toEqual(int(12_345_678));
  });

  it('writes usage_percent 0 for a zero limit, and no point for the empty memory_stats of a stopped container', () => {
    expect(memoryFields(sampled(edit(v1, (r) => (r.memory_stats.limit = 0))).memory)).toMatchObject({
      limit_bytes: int(0),
      usage_percent: 0,
    });
    expect(memoryFields(sampled(edit(v1, (r) => (r.memory_stats = {}))).memory)).toBeUndefined();
    expect(memoryFields(sampled(edit(v1, (r) => delete r.memory_stats)).memory)).toBeUndefined();
  });

  it('adds v1 max_usage / rss / cache and v2 anon / file only where reported', () => {
    expect(memoryFields(sampled(v1).memory)).toMatchObject({
      max_usage_bytes: int(60_000_000),
      rss_bytes: int(30_000_000),
      cache_bytes: int(12_000_000),
    });
    const fields = memoryFields(sampled(v2).memory)!;
    expect(fields).toMatchObject({ anon_bytes: int(5_000_000), file_bytes: int(6_000_000) });
    expect(Object.keys(fields)).not.toContain('cache_bytes');
    expect(Object.keys(memoryFields(sampled(win).memory)!)).not.toContain('limit_bytes');
  });
});

describe('network', () => {
  it('writes one set of eight counters per interface', () => {
    const nets = networkFields(sampled(v1).networks);
    expect(nets.map(([name]) => name)).toEqual(['eth0', 'eth1']);
    expect(nets[1]![1]).toEqual({
      rx_bytes: int(300),
      tx_bytes: int(200),
      rx_packets: int(3),
      tx_packets: int(2),
      rx_errors: int(1),
      tx_errors: int(3),
      rx_dropped: int(2),
      tx_dropped: int(4),
    });
  });

  it('writes none without networks', () => {
    expect(networkFields(sampled(edit(v1, (r) => delete r.networks)).networks)).toEqual([]);
    expect(networkFields(sampled(edit(v1, (r) => (r.networks = null))).networks)).toEqual([]);
    expect(networkFields(sampled(edit(v1, (r) => (r.networks = {}))).networks)).toEqual([]);
  });
});

describe('blockio', () => {
  it('cgroup v1: sums Read/Write per device for bytes and ops, ignoring Sync/Async/Total', () => {
    expect(blockioFields(sampled(v1).blockio)).toEqual([
      ['8:0', { read_bytes: int(4096), write_bytes: int(8192), read_ops: int(2), write_ops: int(4) }],
      ['253:1', { read_bytes: int(100), write_bytes: int(0), read_ops: int(1), write_ops: int(0) }],
    ]);
  });

  it('cgroup v2: lower-case ops, and no ops fields at all since the engine reports none', () => {
    expect(blockioFields(sampled(v2).blockio)).toEqual([
      ['254:0', { read_bytes: int(1187840), write_bytes: int(4096) }],
      ['8:16', { read_bytes: int(2048), write_bytes: int(0) }],
    ]);
  });

  it('sums repeated and mixed-case entries of a device, and names devices through the namer', () => {
    const mixed = edit(v2, (r) => {
      r.blkio_stats.io_service_bytes_recursive = [
        { major: 8, minor: 0, op: 'READ', value: 1 },
        { major: 8, minor: 0, op: 'Read', value: 2 },
        { major: 8, minor: 0, op: 'rEaD', value: 4 },
      ];
    });
    expect(
      blockioFields(sampled(mixed).blockio, (major, minor) =>
        major === 8 && minor === 0 ? 'sda' : `${major}:${minor}`,
      ),
    ).toEqual([['sda', { read_bytes: int(7) }]]);
  });

  it('sums two devices the namer gives one name: one series, one point, as before the sample type', () => {
    const twoDevices = edit(v2, (r) => {
      r.blkio_stats.io_service_bytes_recursive = [
        { major: 8, minor: 0, op: 'read', value: 1 },
        { major: 8, minor: 1, op: 'read', value: 2 },
        { major: 8, minor: 1, op: 'write', value: 8 },
      ];
    });
    expect(blockioFields(sampled(twoDevices).blockio, () => 'sda')).toEqual([
      ['sda', { read_bytes: int(3), write_bytes: int(8) }],
    ]);
  });

  it('writes nothing for the empty or null lists of this kernel and of a stopped container', () => {
    expect(
      blockioFields(
        sampled(edit(v1, (r) => (r.blkio_stats = { io_service_bytes_recursive: [], io_serviced_recursive: [] })))
          .blockio,
      ),
    ).toEqual([]);
    expect(
      blockioFields(sampled(edit(v1, (r) => (r.blkio_stats = { io_service_bytes_recursive: null }))).blockio),
    ).toEqual([]);
    expect(blockioFields(sampled(edit(v1, (r) => delete r.blkio_stats)).blockio)).toEqual([]);
  });

  it('Windows: one `storage` device from storage_stats', () => {
    expect(blockioFields(sampled(win).blockio)).toEqual([
      ['storage', { read_bytes: int(491520), write_bytes: int(122880), read_ops: int(120), write_ops: int(30) }],
    ]);
  });
});

describe('timestamps', () => {
  it.each([
    ['2026-11-24T12:19:42.160866623Z', 1795522782, 160866623],
    ['2026-11-24T12:19:42Z', 1795522782, 0],
    ['2026-11-24T12:19:42.5Z', 1795522782, 500000000],
    ['2026-11-24T14:19:42.000000001+02:00', 1795522782, 1],
    ['2026-11-24T07:49:42.1-04:30', 1795522782, 100000000],
  ])('%s is %i s and %i ns after the epoch', (text, seconds, nanos) => {
    expect(parseInstant(text)).toEqual({ seconds, nanos });
    expect(Date.parse(text) / 1000).toBeCloseTo(seconds + nanos / 1e9, 2);
  });
});
