import { describe, expect, it } from 'vitest';
import { blockioFields } from '../../src/transform/blockio.js';
import { cpuFields } from '../../src/transform/cpu.js';
import { memoryFields } from '../../src/transform/memory.js';
import { networkFields } from '../../src/transform/network.js';
import { parseInstant } from '../../src/transform/timestamp.js';
import { decoded, handBuilt } from '../support/handBuilt.js';

const v1 = handBuilt('stats-cgroupv1.json');
const v2 = handBuilt('stats-cgroupv2.json');
const win = handBuilt('stats-windows.json');
const at = (text: string) => parseInstant(text)!;
const cpuOf = (raw: Record<string, any>, previous?: Parameters<typeof cpuFields>[2]) =>
  cpuFields(decoded(raw), at(raw.read), previous, raw.preread ? at(raw.preread) : undefined);
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
      r.precpu_stats = { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: {} };
      r.preread = '0001-01-01T00:00:00Z';
    });
    expect(cpuOf(first)).toBeUndefined();
    const previous = { cpu: decoded(v1).precpu_stats!, read: at('2026-11-24T12:00:00.500000001Z') };
    expect(cpuOf(first, previous)?.usage_percent).toBe((1e9 / 4e9) * 2 * 100);
    const winFirst = edit(win, (r) => {
      r.precpu_stats = { cpu_usage: { total_usage: 0 } };
      r.preread = '0001-01-01T00:00:00Z';
    });
    expect(cpuOf(winFirst)).toBeUndefined();
    // previous Windows sample 2 s earlier: 1e7 / (2e7 × 2) × 100
    expect(cpuOf(winFirst, { cpu: decoded(win).precpu_stats!, read: at('2026-11-24T12:00:00Z') })?.usage_percent).toBe(25);
  });

  it('writes no cpu point when a counter went backwards (restart) or the system did not advance', () => {
    expect(cpuOf(edit(v1, (r) => (r.precpu_stats.cpu_usage.total_usage = 9e9)))).toBeUndefined();
    expect(cpuOf(edit(v2, (r) => (r.precpu_stats.system_cpu_usage = r.cpu_stats.system_cpu_usage)))).toBeUndefined();
    const kernelBack = cpuOf(edit(v1, (r) => (r.precpu_stats.cpu_usage.usage_in_kernelmode = 9e9)));
    expect(kernelBack?.system_percent).toBeUndefined(); // never negative
    expect(kernelBack?.usage_percent).toBe(50);
  });

  it('adds throttling and pids where reported, and leaves out an unlimited pids limit', () => {
    expect(cpuOf(v1)).toMatchObject({ throttling_periods: 10n, throttled_periods: 3n, throttled_time_ns: 123456n, pids_current: 7n });
    expect(cpuOf(v1)).not.toHaveProperty('pids_limit');
    expect(cpuOf(v2)).toMatchObject({ pids_current: 5n });
  });
});

describe('memory', () => {
  it.each([
    ['cgroup v1: usage - total_inactive_file', v1, false, { usage_bytes: 40_000_000n, limit_bytes: 200_000_000n, usage_percent: 20 }],
    ['cgroup v2: usage - inactive_file', v2, false, { usage_bytes: 9_345_678n, limit_bytes: 8_000_000_000n, usage_percent: (9_345_678 / 8e9) * 100 }],
    ['Windows: privateworkingset', win, true, { usage_bytes: 80_000_000n, commit_bytes: 100_000_000n, commit_peak_bytes: 120_000_000n }],
  ])('%s', (_, raw, windows, expected) => {
    expect(memoryFields(decoded(raw).memory_stats, windows)).toMatchObject(expected);
  });

  it('never subtracts cache, and falls back to usage when inactive_file is not smaller', () => {
    const noInactive = edit(v1, (r) => {
      delete r.memory_stats.stats.total_inactive_file;
      delete r.memory_stats.stats.inactive_file;
    });
    expect(memoryFields(decoded(noInactive).memory_stats, false)?.usage_bytes).toBe(50_000_000n);
    const larger = edit(v2, (r) => (r.memory_stats.stats.inactive_file = 20_000_000));
    expect(memoryFields(decoded(larger).memory_stats, false)?.usage_bytes).toBe(12_345_678n);
  });

  it('writes usage_percent 0 for a zero limit, and no point for the empty memory_stats of a stopped container', () => {
    expect(memoryFields(decoded(edit(v1, (r) => (r.memory_stats.limit = 0))).memory_stats, false)).toMatchObject({ limit_bytes: 0n, usage_percent: 0 });
    expect(memoryFields({}, false)).toBeUndefined();
    expect(memoryFields(undefined, false)).toBeUndefined();
  });

  it('adds v1 max_usage / rss / cache and v2 anon / file only where reported', () => {
    expect(memoryFields(decoded(v1).memory_stats, false)).toMatchObject({ max_usage_bytes: 60_000_000n, rss_bytes: 30_000_000n, cache_bytes: 12_000_000n });
    const fields = memoryFields(decoded(v2).memory_stats, false)!;
    expect(fields).toMatchObject({ anon_bytes: 5_000_000n, file_bytes: 6_000_000n });
    expect(Object.keys(fields)).not.toContain('cache_bytes');
    expect(Object.keys(memoryFields(decoded(win).memory_stats, true)!)).not.toContain('limit_bytes');
  });
});

describe('network', () => {
  it('writes one set of eight counters per interface', () => {
    const nets = networkFields(decoded(v1).networks);
    expect(nets.map(([name]) => name)).toEqual(['eth0', 'eth1']);
    expect(nets[1]![1]).toEqual({
      rx_bytes: 300n, tx_bytes: 200n, rx_packets: 3n, tx_packets: 2n, rx_errors: 1n, tx_errors: 3n, rx_dropped: 2n, tx_dropped: 4n,
    });
  });

  it('writes none without networks', () => {
    expect(networkFields(undefined)).toEqual([]);
    expect(networkFields(null)).toEqual([]);
    expect(networkFields({})).toEqual([]);
  });
});

describe('blockio', () => {
  it('cgroup v1: sums Read/Write per device for bytes and ops, ignoring Sync/Async/Total', () => {
    expect(blockioFields(decoded(v1))).toEqual([
      ['8:0', { read_bytes: 4096n, write_bytes: 8192n, read_ops: 2n, write_ops: 4n }],
      ['253:1', { read_bytes: 100n, write_bytes: 0n, read_ops: 1n, write_ops: 0n }],
    ]);
  });

  it('cgroup v2: lower-case ops, and no ops fields at all since the engine reports none', () => {
    expect(blockioFields(decoded(v2))).toEqual([
      ['254:0', { read_bytes: 1187840n, write_bytes: 4096n }],
      ['8:16', { read_bytes: 2048n, write_bytes: 0n }],
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
    expect(blockioFields(decoded(mixed), (major, minor) => (major === 8 && minor === 0 ? 'sda' : `${major}:${minor}`))).toEqual([
      ['sda', { read_bytes: 7n }],
    ]);
  });

  it('writes nothing for the empty or null lists of this kernel and of a stopped container', () => {
    expect(blockioFields(decoded(edit(v1, (r) => (r.blkio_stats = { io_service_bytes_recursive: [], io_serviced_recursive: [] }))))).toEqual([]);
    expect(blockioFields(decoded(edit(v1, (r) => (r.blkio_stats = { io_service_bytes_recursive: null }))))).toEqual([]);
    expect(blockioFields(decoded(edit(v1, (r) => delete r.blkio_stats)))).toEqual([]);
  });

  it('Windows: one `storage` device from storage_stats', () => {
    expect(blockioFields(decoded(win))).toEqual([['storage', { read_bytes: 491520n, write_bytes: 122880n, read_ops: 120n, write_ops: 30n }]]);
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
