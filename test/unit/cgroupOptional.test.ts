import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProcCgroup, resolveLayout } from '../../src/sources/cgroup/cgroupPaths.js';
import { parseInstant } from '../../src/model/timestamp.js';
import { type CgroupTarget, readSample } from '../../src/sources/cgroup/cgroupSample.js';
import { ContainerFiles, SLOW_EVERY } from '../../src/sources/cgroup/containerFiles.js';
import { hostFiles } from '../../src/sources/cgroup/hostFiles.js';
import { FakeHost, v1CgroupLines } from '../support/fakeCgroupTree.js';

const ID = 'feed'.repeat(16);
const system = { systemCpuUsage: 1_000_000_000, onlineCpus: 2 };
const V1_PATH = `/docker/${ID}`;
const V1_LINES = v1CgroupLines(V1_PATH);
const V1_VALUES = { usage: 5_000_000_000, user: 300, system: 200, memory: 10_000_000, inactiveFile: 0, pids: 3 };

const container = { id: ID, name: 'optional', image: 'local/busybox', labels: {} };

/** A container's samples, one after another, read as the sampler reads them (one `ContainerFiles`). */
function reader(host: FakeHost, lines: string[]): () => ReturnType<typeof readSample> {
  host.process(42, lines, { eth0: [100, 1, 50, 1] });
  const layout = resolveLayout(parseProcCgroup(lines.join('\n')), ID, host.cgroup, existsSync);
  const target: CgroupTarget = { id: ID, container, pid: 42, layout, networks: true };
  const view = hostFiles(host.proc);
  const files = new ContainerFiles(view);
  let n = 0;
  const at = () => parseInstant(`2026-11-27T14:00:${String(n++).padStart(2, '0')}Z`)!;
  return () => readSample(target, view, system, at(), undefined, files);
}

/** A cgroup v2 container with only these controllers enabled: the files of the others (memory, pids, io) absent. */
function v2Host(controllers: string[]): { host: FakeHost; dir: string } {
  const host = new FakeHost();
  const dir = `${host.cgroup}/system.slice/docker-${ID}.scope`;
  host.write(`${host.cgroup}/cgroup.controllers`, 'cpu io memory pids\n');
  host.v2Container(dir, { usageUsec: 2_000_000, memory: 300_000, inactiveFile: 0, pids: 7 });
  const owned = {
    memory: ['memory.current', 'memory.max', 'memory.stat'],
    pids: ['pids.current', 'pids.max'],
    io: ['io.stat'],
  };
  for (const [controller, files] of Object.entries(owned))
    if (!controllers.includes(controller)) for (const file of files) rmSync(`${dir}/${file}`);
  return { host, dir };
}

describe('optional cgroup files: the field left out, the rest of the record kept', () => {
  it('cgroup v2 without the pids and memory controllers (a rootless engine’s delegation): no pids_stats, no memory_stats', () => {
    const { host, dir } = v2Host(['io']);
    const next = reader(host, [`0::${dir.slice(host.cgroup.length)}`]);
    for (let i = 0; i < 3; i++) {
      const record = next();
      expect([record.memory, record.pids]).toEqual([undefined, undefined]);
      expect(record.cpu?.usageNs).toBe(2_000_000_000);
      // io.stat's read and write bytes of its one device
      expect(record.blockio).toEqual([{ device: { major: 8, minor: 0 }, readBytes: 4096, writeBytes: 8192 }]);
      expect((record.networks ?? []).map((n) => n.name)).toEqual(['eth0']);
    }
  });

  it('cgroup v2 without the io controller: no blkio_stats; memory and pids read', () => {
    const { host, dir } = v2Host(['memory', 'pids']);
    const record = reader(host, [`0::${dir.slice(host.cgroup.length)}`])();
    expect(record.blockio).toBeUndefined();
    expect([record.memory?.usageBytes, record.pids?.current]).toEqual([300_000, 7]);
  });

  it('an absent file is not looked for at every sample, but again with the slow files: a controller enabled later is read from then on', () => {
    const { host, dir } = v2Host(['memory', 'io']);
    const next = reader(host, [`0::${dir.slice(host.cgroup.length)}`]);
    expect(next().pids).toBeUndefined();
    host.write(`${dir}/pids.current`, '9\n').write(`${dir}/pids.max`, '100\n'); // +pids in the parent's subtree_control
    for (let i = 1; i < SLOW_EVERY; i++) expect(next().pids, `sample ${i}`).toBeUndefined();
    expect(next().pids).toEqual({ current: 9, limit: 100 });
  });

  it('cgroup v1 without CFS bandwidth (no cpu.cfs_quota_us, no cpu.stat): no throttling_data; the CPU times kept', () => {
    const host = new FakeHost().v1Container(V1_PATH, V1_VALUES);
    for (const file of ['cpu.cfs_quota_us', 'cpu.stat']) rmSync(`${host.cgroup}/cpu${V1_PATH}/${file}`);
    const record = reader(host, V1_LINES)();
    expect(record.cpu?.throttling).toBeUndefined();
    expect([record.cpu?.usageNs, record.cpu?.userNs, record.cpu?.systemNs]).toEqual([
      5_000_000_000, 3_000_000_000, 2_000_000_000,
    ]);
    expect(record.memory?.usageBytes).toBe(10_000_000);
  });

  it('cgroup v1 blkio: no blkio controller, or no throttling files in it (no CFQ either): no blkio_stats', () => {
    const host = new FakeHost().v1Container(V1_PATH, V1_VALUES);
    const without = reader(
      host,
      V1_LINES.filter((l) => !l.includes(':blkio:')),
    )();
    expect(without.blockio).toBeUndefined();
    for (const file of ['blkio.throttle.io_service_bytes', 'blkio.throttle.io_serviced'])
      rmSync(`${host.cgroup}/blkio${V1_PATH}/${file}`);
    const noFiles = reader(host, V1_LINES)();
    expect(noFiles.blockio).toBeUndefined();
    expect(noFiles.pids).toEqual({ current: 3 });
  });

  it('cgroup v1 without the memory controller (cgroup_disable=memory): read from v1, no memory_stats', () => {
    const host = new FakeHost().v1Container(V1_PATH, V1_VALUES);
    rmSync(`${host.cgroup}/memory`, { recursive: true });
    const record = reader(
      host,
      V1_LINES.filter((l) => !l.includes(':memory:')),
    )();
    expect(record.memory).toBeUndefined();
    expect([record.cpu?.usageNs, record.pids?.current]).toEqual([5_000_000_000, 3]);
  });

  it('the files every cgroup has are not optional: without cpu.stat (v2) or cpuacct.usage (v1) the read throws ENOENT (the container is gone)', () => {
    const { host, dir } = v2Host(['memory', 'pids', 'io']);
    const v2 = reader(host, [`0::${dir.slice(host.cgroup.length)}`]);
    rmSync(`${dir}/cpu.stat`);
    expect(() => v2()).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    const v1Host = new FakeHost().v1Container(V1_PATH, V1_VALUES);
    rmSync(`${v1Host.cgroup}/cpuacct${V1_PATH}/cpuacct.usage`);
    expect(() => reader(v1Host, V1_LINES)()).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
