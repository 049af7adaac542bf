import { existsSync, rmSync } from 'node:fs';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { int } from '../../src/model/point.js';
import { parseInstant } from '../../src/model/timestamp.js';
import { CgroupUnreadable, parseProcCgroup, resolveLayout } from '../../src/sources/cgroup/cgroupPaths.js';
import { type CgroupTarget, readSample } from '../../src/sources/cgroup/cgroupSample.js';
import { parseProcStat } from '../../src/sources/cgroup/cgroupText.js';
import { hostFiles as hostView } from '../../src/sources/cgroup/hostFiles.js';
import { toPoints } from '../../src/transform/toPoints.js';
import { FakeHost, v1CgroupLines } from '../support/fakeCgroupTree.js';

const ID = 'c0ffee'.repeat(10) + 'abcd';
const V1_LINES = v1CgroupLines;
const layoutOf = (host: FakeHost, lines: string[]) =>
  resolveLayout(parseProcCgroup(lines.join('\n')), ID, host.cgroup, existsSync);
const container = { id: ID, name: 'web', image: 'img', labels: {} };
const at = (text: string) => parseInstant(text)!;
const system = { systemCpuUsage: 1_000_000_000, onlineCpus: 2 };

describe('/proc/stat as the engine reads it', () => {
  it('sums the first seven fields of the cpu line (not steal) in ns, and counts the cpuN lines', () => {
    const host = new FakeHost(1, [1000, 20, 300, 50000, 100, 0, 10, 5], 4);
    const stat = parseProcStat(hostView(host.proc).readFile(`${host.proc}/stat`));
    expect(stat).toEqual({ systemCpuUsage: (1000 + 20 + 300 + 50000 + 100 + 0 + 10) * 1e7, onlineCpus: 4 });
    expect(parseProcStat('intr 1\n')).toBeUndefined();
  });
});

describe('finding a container’s cgroup from /proc/<pid>/cgroup', () => {
  it('cgroup v1, cgroupfs driver (this engine): one directory per controller, joint mounts through their link', () => {
    const host = new FakeHost().v1Container(`/docker/${ID}`, {
      usage: 1,
      user: 1,
      system: 1,
      memory: 1,
      inactiveFile: 0,
      pids: 1,
    });
    const layout = layoutOf(host, V1_LINES(`/docker/${ID}`));
    expect(layout).toEqual({
      version: 1,
      dirs: {
        cpu: `${host.cgroup}/cpu/docker/${ID}`,
        cpuacct: `${host.cgroup}/cpuacct/docker/${ID}`,
        memory: `${host.cgroup}/memory/docker/${ID}`,
        pids: `${host.cgroup}/pids/docker/${ID}`,
        blkio: `${host.cgroup}/blkio/docker/${ID}`,
      },
    });
  });

  it('cgroup v1, systemd driver: the docker-<id>.scope paths', () => {
    const path = `/system.slice/docker-${ID}.scope`;
    const host = new FakeHost().v1Container(path, {
      usage: 1,
      user: 1,
      system: 1,
      memory: 1,
      inactiveFile: 0,
      pids: 1,
    });
    expect(layoutOf(host, V1_LINES(path))).toMatchObject({
      version: 1,
      dirs: { memory: `${host.cgroup}/memory${path}` },
    });
  });

  it('cgroup v2 (systemd driver, and rootless): the unified tree at the root', () => {
    for (const path of [
      `/system.slice/docker-${ID}.scope`,
      `/user.slice/user-1000.slice/user@1000.service/docker-${ID}.scope`,
    ]) {
      const host = new FakeHost();
      host
        .write(`${host.cgroup}/cgroup.controllers`, 'cpuset cpu io memory pids\n')
        .v2Container(`${host.cgroup}${path}`, { usageUsec: 1, memory: 1, inactiveFile: 0, pids: 1 });
      expect(layoutOf(host, [`0::${path}`])).toEqual({ version: 2, dir: `${host.cgroup}${path}` });
    }
  });

  it('hybrid: v1 controllers where v1 has cpuacct; the unified mount only where it does not', () => {
    const path = `/docker/${ID}`;
    const hybrid = new FakeHost().v1Container(path, {
      usage: 1,
      user: 1,
      system: 1,
      memory: 1,
      inactiveFile: 0,
      pids: 1,
    });
    hybrid.write(`${hybrid.cgroup}/unified${path}/cgroup.procs`, '1\n');
    expect(layoutOf(hybrid, V1_LINES(path)).version).toBe(1);
    const unifiedOnly = new FakeHost();
    unifiedOnly.v2Container(`${unifiedOnly.cgroup}/unified${path}`, {
      usageUsec: 1,
      memory: 1,
      inactiveFile: 0,
      pids: 1,
    });
    expect(layoutOf(unifiedOnly, [`1:name=systemd:${path}`, `0::${path}`])).toEqual({
      version: 2,
      dir: `${unifiedOnly.cgroup}/unified${path}`,
    });
  });

  it('refuses, saying why: another cgroup namespace, a path not naming the container, directories not there', () => {
    const host = new FakeHost();
    expect(() => layoutOf(host, [`0::/../../system.slice/docker-${ID}.scope`])).toThrow(CgroupUnreadable);
    expect(() => layoutOf(host, [`0::/../../system.slice/docker-${ID}.scope`])).toThrow(
      /outside this process's cgroup namespace .*--cgroupns host/,
    );
    expect(() => layoutOf(host, ['0::/init.scope'])).toThrow(/does not name it: the engine's pids are not this host's/);
    expect(() => layoutOf(host, V1_LINES(`/docker/${ID}`))).toThrow(/cgroup v1 directories are not under/);
    expect(() => layoutOf(host, [`0::/docker/${ID}`])).toThrow(/cgroup v2 directory .* does not exist/);
  });
});

describe('a sample read from cgroup files, with the engine’s numbers', () => {
  it('cgroup v1: the engine’s units and rules (ticks to ns, the host memory as the unlimited limit, pids.max max left out, throttle blkio)', () => {
    const path = `/docker/${ID}`;
    const host = new FakeHost(24_683_620).v1Container(path, {
      usage: 5_000_000_000,
      user: 300,
      system: 200,
      memory: 10_000_000,
      inactiveFile: 4096,
      pids: 3,
    });
    host.process(4242, V1_LINES(path), { eth0: [1462, 17, 0, 0] });
    const target: CgroupTarget = {
      id: ID,
      container,
      pid: 4242,
      layout: layoutOf(host, V1_LINES(path)),
      networks: true,
    };
    const sample = readSample(target, hostView(host.proc), system, at('2026-11-27T14:00:00.5Z'), undefined);
    expect(sample).toEqual({
      container,
      at: at('2026-11-27T14:00:00.5Z'),
      // no previous sample: none (the engine's empty precpu_stats)
      cpu: {
        usageNs: 5_000_000_000,
        userNs: 3_000_000_000,
        systemNs: 2_000_000_000,
        percentOf: 'cpu',
        throttling: { periods: 10, throttledPeriods: 2, throttledNs: 5_000_000 },
        hostNs: 1_000_000_000,
        onlineCpus: 2,
      },
      memory: {
        usageBytes: 10_000_000,
        maxUsageBytes: 20_000_000,
        limitBytes: 24_683_620 * 1024,
        // total_inactive_file 4096 (inactive_file 4096), total_rss 8192, total_cache 4096
        inactiveFileBytes: 4096,
        rssBytes: 8192,
        cacheBytes: 4096,
      },
      pids: { current: 3 },
      // Read 4096, Write 8192 (Sync, Async, Discard, Total left out); ops Read 1, Write 2
      blockio: [{ device: { major: 8, minor: 0 }, readBytes: 4096, writeBytes: 8192, readOps: 1, writeOps: 2 }],
      networks: [
        {
          name: 'eth0',
          rxBytes: 1462,
          rxPackets: 17,
          rxErrors: 0,
          rxDropped: 1,
          txBytes: 0,
          txPackets: 0,
          txErrors: 0,
          txDropped: 2,
        },
      ],
    });
  });

  it('cgroup v2: usec to ns, `max` limits, io.stat bytes; no networks for --network host', () => {
    const dir = `/system.slice/docker-${ID}.scope`;
    const host = new FakeHost(1000);
    host
      .write(`${host.cgroup}/cgroup.controllers`, 'cpu io memory pids\n')
      .v2Container(`${host.cgroup}${dir}`, { usageUsec: 2_000_000, memory: 300_000, inactiveFile: 100_000, pids: 7 });
    host.process(77, [`0::${dir}`]);
    const target: CgroupTarget = { id: ID, container, pid: 77, layout: layoutOf(host, [`0::${dir}`]), networks: false };
    const record = readSample(target, hostView(host.proc), system, at('2026-11-27T14:00:01Z'), {
      at: at('2026-11-27T14:00:00Z'),
      cpu: { usageNs: 1, percentOf: 'cpu' },
    });
    expect([record.cpu?.usageNs, record.cpu?.systemNs, record.cpu?.userNs]).toEqual([
      2_000_000_000, 100_000, 1_999_900_000,
    ]);
    expect(record.memory).toEqual({
      usageBytes: 300_000,
      limitBytes: 1000 * 1024,
      inactiveFileBytes: 100_000,
      anonBytes: 1000,
      fileBytes: 2000,
    });
    expect(record.blockio).toEqual([{ device: { major: 8, minor: 0 }, readBytes: 4096, writeBytes: 8192 }]);
    expect([record.networks, record.pids, record.previous?.at, record.previous?.cpu]).toEqual([
      undefined,
      { current: 7 },
      at('2026-11-27T14:00:00Z'),
      { usageNs: 1, percentOf: 'cpu' },
    ]);
  });

  it('a missing optional file is left out; a container whose files went away throws ENOENT', () => {
    const dir = `/docker/${ID}`;
    const host = new FakeHost();
    host
      .write(`${host.cgroup}/cgroup.controllers`, 'cpu memory\n')
      .v2Container(`${host.cgroup}${dir}`, { usageUsec: 1, memory: 1, inactiveFile: 0, pids: 1 });
    rmSync(`${host.cgroup}${dir}/io.stat`);
    host.process(5, [`0::${dir}`]);
    const target: CgroupTarget = { id: ID, container, pid: 5, layout: layoutOf(host, [`0::${dir}`]), networks: true };
    expect(
      readSample(target, hostView(host.proc), system, at('2026-11-27T14:00:01Z'), undefined).blockio,
    ).toBeUndefined();
    rmSync(`${host.cgroup}${dir}`, { recursive: true });
    expect(() => readSample(target, hostView(host.proc), system, at('2026-11-27T14:00:02Z'), undefined)).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });

  it('keeps each file open and reads it again from its start: a rewritten file is read anew', () => {
    const host = new FakeHost();
    const path = `${host.cgroup}/memory.current`;
    host.write(path, '100\n');
    const handle = hostView(host.proc).open(host.cgroup, 'memory.current');
    expect(handle.text()).toBe('100\n');
    host.write(path, '2000000\n'); // the same file, new content (as the kernel makes it at each read)
    expect([handle.text(), handle.number()]).toEqual(['2000000\n', 2_000_000]);
    const long = 'x'.repeat(40_000);
    host.write(path, long);
    expect([handle.text(), handle.number()]).toEqual([long, undefined]);
    host.write(path, '  -1\n');
    expect(handle.number()).toBe(-1);
    handle.close();
    rmSync(path);
    expect(() => handle.text()).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('past its budget of open files, opens a file at each read instead', () => {
    const host = new FakeHost();
    host.write(`${host.cgroup}/a`, '1\n').write(`${host.cgroup}/b`, '2\n');
    const files = hostView(host.proc, 1);
    const [a, b] = [files.open(host.cgroup, 'a'), files.open(host.cgroup, 'b')];
    expect([a.number(), b.number()]).toEqual([1, 2]);
    rmSync(`${host.cgroup}/a`);
    rmSync(`${host.cgroup}/b`);
    expect(a.number()).toBe(1); // kept open: an unlinked file still reads
    expect(() => b.number()).toThrow(expect.objectContaining({ code: 'ENOENT' })); // over budget: opened anew
  });

  it('goes through the same transform as the engine’s records: memory is usage - inactive_file', async () => {
    const dir = `/docker/${ID}`;
    const host = new FakeHost();
    host
      .write(`${host.cgroup}/cgroup.controllers`, 'cpu memory\n')
      .v2Container(`${host.cgroup}${dir}`, { usageUsec: 1, memory: 300_000, inactiveFile: 100_000, pids: 1 });
    host.process(6, [`0::${dir}`]);
    const target: CgroupTarget = { id: ID, container, pid: 6, layout: layoutOf(host, [`0::${dir}`]), networks: true };
    const sample = readSample(target, hostView(host.proc), system, at('2026-11-27T14:00:01Z'), undefined);
    const points = await lastValueFrom(from([sample]).pipe(toPoints(), toArray()));
    expect(points.find((p) => p.measurement === 'memory')?.fields.usage_bytes).toEqual(int(200_000));
  });
});
