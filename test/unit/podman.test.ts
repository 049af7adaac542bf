import { describe, expect, it } from 'vitest';
import { Int } from '../../src/model/point.js';
import { samplePoints } from '../../src/transform/toPoints.js';
import { SampleMemory } from '../../src/transform/sampleMemory.js';
import { sampled } from '../support/handBuilt.js';

/**
 * Podman 4.3's compat stats records (shape from ../shared/reference/engine-facts.md): a busy
 * container on an otherwise idle 2-CPU host, one second apart, as a stream sends them.
 */
const container = { id: 'p'.repeat(64), name: 'pm-1', image: 'local/busybox', labels: {} };
const podmanRecord = (second: number, total: number, system: number, preTotal: number) => ({
  read: `2026-11-27T13:26:${String(22 + second).padStart(2, '0')}.000000000Z`,
  preread: `2026-11-27T13:26:${String(21 + second).padStart(2, '0')}.000000000Z`,
  pids_stats: { current: 1 },
  blkio_stats: { io_service_bytes_recursive: [], io_serviced_recursive: null },
  num_procs: 0,
  storage_stats: {},
  cpu_stats: {
    cpu_usage: {
      total_usage: total,
      percpu_usage: [1, 2],
      usage_in_kernelmode: 8_000_000,
      usage_in_usermode: total - 8_000_000,
    },
    // the root cgroup's cpuacct.usage: the host's busy time, about the container's on an idle host
    system_cpu_usage: system,
    online_cpus: 2,
    cpu: 99.8,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  precpu_stats: {
    cpu_usage: { total_usage: preTotal, usage_in_kernelmode: 8_000_000, usage_in_usermode: preTotal - 8_000_000 },
    system_cpu_usage: system - 1_010_000_000,
    cpu: 99.7,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  memory_stats: { usage: 544_768, limit: 25_276_510_208 },
  name: 'pm-1',
  Id: container.id,
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
  },
});

describe('Podman compat records', () => {
  const points = samplePoints(
    sampled(podmanRecord(1, 5_372_493_049, 605_799_555_624, 4_372_493_049), container),
    new SampleMemory(),
  );
  const of = (m: string) => points.find((p) => p.measurement === m)!;

  it('CPU as `podman stats` counts it: CPU time over wall time, not over its system_cpu_usage (196 % before)', () => {
    // 1e9 ns of CPU in the 1 s between preread and read
    expect(of('cpu').fields.usage_percent).toBeCloseTo(100, 6);
    expect(of('cpu').fields.system_percent).toBe(0);
  });

  it('one network point, interface=all, with the byte counters only (its packet and error counters are not real)', () => {
    const network = points.filter((p) => p.measurement === 'network');
    expect(network).toHaveLength(1);
    expect(network[0]!.tags.interface).toBe('all');
    expect(network[0]!.fields).toEqual({ rx_bytes: new Int(516), tx_bytes: new Int(1220) });
  });

  it('memory: its usage as it is (memory_stats.stats is empty)', () => {
    expect(of('memory').fields.usage_bytes).toEqual(new Int(544_768));
  });

  it('a one-shot record (precpu zeroed, no preread): the base is the collector’s previous record', () => {
    const memory = new SampleMemory();
    const oneShot = (second: number, total: number) => {
      const r = podmanRecord(second, total, 600_000_000_000 + second * 1e9, 0) as Record<string, any>;
      return { ...r, preread: '0001-01-01T00:00:00Z', precpu_stats: { cpu_usage: { total_usage: 0 }, cpu: 0 } };
    };
    expect(samplePoints(sampled(oneShot(0, 4e9), container), memory).some((p) => p.measurement === 'cpu')).toBe(false);
    const second = samplePoints(sampled(oneShot(2, 5e9), container), memory);
    expect(second.find((p) => p.measurement === 'cpu')!.fields.usage_percent).toBeCloseTo(50, 6); // 1e9 ns in 2 s
  });
});
