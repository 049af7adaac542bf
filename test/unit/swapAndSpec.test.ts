import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ContainerSample } from '../../src/model/containerSample.js';
import { int } from '../../src/model/point.js';
import { parseInstant } from '../../src/model/timestamp.js';
import { parseProcCgroup, resolveLayout } from '../../src/sources/cgroup/cgroupPaths.js';
import { type CgroupTarget, readSample } from '../../src/sources/cgroup/cgroupSample.js';
import { hostFiles } from '../../src/sources/cgroup/hostFiles.js';
import { limitsOf } from '../../src/sources/engine/containerStatus.js';
import { SampleMemory } from '../../src/transform/sampleMemory.js';
import { samplePoints } from '../../src/transform/toPoints.js';
import { FakeHost, v1CgroupLines } from '../support/fakeCgroupTree.js';
import { fixture } from '../support/fixtures.js';
import { handBuilt, sampled } from '../support/handBuilt.js';

// cAdvisor's container_memory_swap (lib/container/libcontainer/handler.go, setMemoryStats): v1
// memory.stat `total_swap` (`swap` without hierarchy), v2 runc's memsw usage - usage, which is
// memory.swap.current. No swap accounting: no field, never a 0 of our own.
const ID = '5a'.repeat(32);
const container = { id: ID, name: 'swapper', image: 'local/busybox', labels: {} };
const system = { systemCpuUsage: 1_000_000_000, onlineCpus: 2 };
const at = parseInstant('2026-12-06T20:00:00Z')!;

function sampleOf(host: FakeHost, lines: string[]): ContainerSample {
  host.process(42, lines);
  const layout = resolveLayout(parseProcCgroup(lines.join('\n')), ID, host.cgroup, existsSync);
  const target: CgroupTarget = { id: ID, container, pid: 42, layout, networks: true };
  return readSample(target, hostFiles(host.proc), system, at, undefined);
}
const v1 = (swap?: number): ContainerSample => {
  const path = `/docker/${ID}`;
  const values = { usage: 1, user: 1, system: 1, memory: 10_000_000, inactiveFile: 0, pids: 1 };
  return sampleOf(
    new FakeHost().v1Container(path, { ...values, ...(swap === undefined ? {} : { swap }) }),
    v1CgroupLines(path),
  );
};
const v2 = (swap?: number): ContainerSample => {
  const host = new FakeHost();
  const path = `/system.slice/docker-${ID}.scope`;
  host.write(`${host.cgroup}/cgroup.controllers`, 'cpu io memory pids\n');
  const values = { usageUsec: 1, memory: 300_000, inactiveFile: 0, pids: 1 };
  host.v2Container(`${host.cgroup}${path}`, { ...values, ...(swap === undefined ? {} : { swap }) });
  return sampleOf(host, [`0::${path}`]);
};
const memoryFieldsOf = (sample: ContainerSample) =>
  samplePoints(sample, new SampleMemory()).find((p) => p.measurement === 'memory')?.fields;

describe('swap (memory.swap_bytes, container_memory_swap)', () => {
  it('cgroup v1 with swap accounting: memory.stat total_swap', () => {
    const sample = v1(65_536);
    expect(sample.memory?.swapBytes).toBe(65_536);
    expect(memoryFieldsOf(sample)?.swap_bytes).toEqual(int(65_536));
  });

  it('cgroup v2: memory.swap.current', () => {
    const sample = v2(131_072);
    expect(sample.memory?.swapBytes).toBe(131_072);
    expect(memoryFieldsOf(sample)?.swap_bytes).toEqual(int(131_072));
  });

  it('no swap accounting (v1 memory.stat without swap lines, v2 without memory.swap.current): no field', () => {
    for (const sample of [v1(), v2()]) {
      expect(sample.memory).toBeDefined();
      expect(sample.memory).not.toHaveProperty('swapBytes');
      expect(memoryFieldsOf(sample)).not.toHaveProperty('swap_bytes');
    }
  });

  it('the Engine API: memory_stats.stats total_swap, else swap, where the engine passes them on', () => {
    const raw = handBuilt('stats-cgroupv1.json');
    raw.memory_stats.stats.swap = 4096;
    raw.memory_stats.stats.total_swap = 8192;
    expect(sampled(raw).memory?.swapBytes).toBe(8192);
    delete raw.memory_stats.stats.total_swap;
    expect(sampled(raw).memory?.swapBytes).toBe(4096);
  });

  it('the Engine API without them (Docker 20.10 on v1 leaves them out of its stats; v2; Podman): no field', () => {
    const real = JSON.parse(fixture('oneshot-cgroupv1.json'));
    for (const raw of [real, handBuilt('stats-cgroupv1.json'), handBuilt('stats-cgroupv2.json')]) {
      const sample = sampled(raw);
      expect(sample.memory).toBeDefined();
      expect(sample.memory).not.toHaveProperty('swapBytes');
      expect(memoryFieldsOf(sample)).not.toHaveProperty('swap_bytes');
    }
  });
});

describe('the limits from the inspect, joined to the stats points', () => {
  const twoSamples = (): ContainerSample[] => {
    const raw = handBuilt('stats-cgroupv1.json');
    return [sampled(raw, container), sampled(raw, container)];
  };
  const pointsWith = (hostConfig: Parameters<typeof limitsOf>[0]) => {
    const limits = limitsOf(hostConfig);
    const memory = new SampleMemory();
    return twoSamples().flatMap((s) => samplePoints(s, memory, { limitsOf: () => limits }));
  };
  const fieldsOf = (points: ReturnType<typeof pointsWith>, measurement: string) =>
    points.find((p) => p.measurement === measurement)!.fields;

  it('--cpus 0.5: cfs_quota_us 50000 and cfs_period_us 100000 on cpu; --memory: spec_limit_bytes', () => {
    const points = pointsWith({ NanoCpus: 500_000_000, CpuQuota: 0, CpuPeriod: 0, Memory: 64 * 2 ** 20 });
    expect(fieldsOf(points, 'cpu')).toMatchObject({ cfs_quota_us: int(50_000), cfs_period_us: int(100_000) });
    expect(fieldsOf(points, 'memory')).toMatchObject({
      spec_limit_bytes: int(64 * 2 ** 20),
      limit_bytes: int(200_000_000),
    });
  });

  it('no limits: no quota or period, spec_limit_bytes 0 beside docker stats’ limit_bytes', () => {
    const points = pointsWith({ NanoCpus: 0, CpuQuota: 0, CpuPeriod: 0, Memory: 0 });
    expect(fieldsOf(points, 'cpu')).not.toHaveProperty('cfs_quota_us');
    expect(fieldsOf(points, 'cpu')).not.toHaveProperty('cfs_period_us');
    expect(fieldsOf(points, 'memory')).toMatchObject({ spec_limit_bytes: int(0), limit_bytes: int(200_000_000) });
  });

  it('no inspect known (no lifecycle, or its inspect failed): none of these fields', () => {
    const memory = new SampleMemory();
    const points = twoSamples().flatMap((s) => samplePoints(s, memory, { limitsOf: () => undefined }));
    expect(fieldsOf(points, 'cpu')).not.toHaveProperty('cfs_quota_us');
    expect(fieldsOf(points, 'memory')).not.toHaveProperty('spec_limit_bytes');
  });
});
