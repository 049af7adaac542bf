import { existsSync, mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/model/timestamp.js';
import { parseProcCgroup, resolveLayout } from '../../src/sources/cgroup/cgroupPaths.js';
import { type CgroupTarget, readSample } from '../../src/sources/cgroup/cgroupSample.js';
import { parsePressure } from '../../src/sources/cgroup/cgroupText.js';
import { ContainerFiles, SLOW_EVERY } from '../../src/sources/cgroup/containerFiles.js';
import { hostFiles } from '../../src/sources/cgroup/hostFiles.js';
import { FakeHost, v1CgroupLines } from '../support/fakeCgroupTree.js';

const ID = 'beef'.repeat(16);
const system = { systemCpuUsage: 1_000_000_000, onlineCpus: 2 };
const container = { id: ID, name: 'psi', image: 'local/busybox', labels: {} };
const V1_PATH = `/docker/${ID}`;
const V1_LINES = v1CgroupLines(V1_PATH);
const V1_VALUES = { usage: 5_000_000_000, user: 300, system: 200, memory: 10_000_000, inactiveFile: 0, pids: 3 };

/** This machine's kernel (6.18, hybrid) wrote these for a running busybox container. */
const REAL_CPU = [
  'some avg10=0.00 avg60=0.00 avg300=0.00 total=60549',
  'full avg10=0.00 avg60=0.00 avg300=0.00 total=50465',
  '',
].join('\n');

/** A container's samples one after another, read as the sampler reads them (one `ContainerFiles`). */
function reader(host: FakeHost, lines: string[]): { next: () => ReturnType<typeof readSample>; target: CgroupTarget } {
  host.process(42, lines);
  const layout = resolveLayout(parseProcCgroup(lines.join('\n')), ID, host.cgroup, existsSync);
  const target: CgroupTarget = { id: ID, container, pid: 42, layout, networks: false };
  const view = hostFiles(host.proc);
  const files = new ContainerFiles(view);
  let n = 0;
  const at = () => parseInstant(`2026-12-06T03:00:${String(n++).padStart(2, '0')}Z`)!;
  return { next: () => readSample(target, view, system, at(), undefined, files), target };
}

/** A cgroup v2 container (systemd driver) and its directory. */
function v2(): { host: FakeHost; dir: string; lines: string[] } {
  const host = new FakeHost();
  const dir = `${host.cgroup}/system.slice/docker-${ID}.scope`;
  host.write(`${host.cgroup}/cgroup.controllers`, 'cpu io memory pids\n');
  host.v2Container(dir, { usageUsec: 2_000_000, memory: 300_000, inactiveFile: 0, pids: 7 });
  return { host, dir, lines: [`0::${dir.slice(host.cgroup.length)}`] };
}

/** A hybrid host: the v1 controllers, and the container's directory in `unified`, with no files yet. */
function hybrid(): { host: FakeHost; unified: string } {
  const host = new FakeHost().v1Container(V1_PATH, V1_VALUES);
  const unified = `${host.cgroup}/unified${V1_PATH}`;
  host.write(`${unified}/cgroup.procs`, '1\n');
  return { host, unified };
}

describe('parsePressure: the kernel’s PSI files', () => {
  it('the `some` and `full` totals, µs as ns; the averages are not kept', () => {
    expect(parsePressure(REAL_CPU)).toEqual({ someNs: 60_549_000, fullNs: 50_465_000 });
  });

  it('cpu.pressure before Linux 5.13 has no `full` line: `some` alone; a `full` of zeros stays 0', () => {
    expect(parsePressure('some avg10=1.50 avg60=0.20 avg300=0.05 total=12345\n')).toEqual({ someNs: 12_345_000 });
    const zeros = 'some avg10=0.00 avg60=0.00 avg300=0.00 total=7\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n';
    expect(parsePressure(zeros)).toEqual({ someNs: 7000, fullNs: 0 });
  });

  it('malformed: no file at all rather than a wrong number', () => {
    for (const text of [
      '',
      '\n',
      'full avg10=0.00 avg60=0.00 avg300=0.00 total=5\n', // no `some`
      'some avg10=0.00 avg60=0.00 avg300=0.00 total=\n',
      'some avg10=0.00 avg60=0.00 avg300=0.00 total=-5\n',
      'some avg10=0.00 avg60=0.00 avg300=0.00 total=12x\n',
      'some avg10=0.00 avg60=0.00 avg300=0.00\n', // no total
      'some total=1\nsome total=2\n', // twice
      'some total=1\nfull total=2\nfull total=3\n',
      'some total=1\ngarbage\n',
      'nonsense',
      '\u0000\u0000\u0000',
    ])
      expect(parsePressure(text), JSON.stringify(text)).toBeUndefined();
  });
});

describe('PSI read by the cgroup source', () => {
  it('cgroup v2: cpu, memory and io totals in ns, each resource’s own `full` where the file has it', () => {
    const { host, dir, lines } = v2();
    host.pressure(dir, { cpu: [1500, 200], memory: [30], io: [4, 3] });
    expect(reader(host, lines).next().pressure).toEqual({
      cpu: { someNs: 1_500_000, fullNs: 200_000 },
      memory: { someNs: 30_000 },
      io: { someNs: 4000, fullNs: 3000 },
    });
  });

  it('cgroup v2 without PSI (CONFIG_PSI off): no pressure at all, never 0; the rest of the sample as before', () => {
    const { host, lines } = v2();
    const sample = reader(host, lines).next();
    expect(sample).not.toHaveProperty('pressure');
    expect([sample.cpu?.usageNs, sample.memory?.usageBytes, sample.pids?.current]).toEqual([2_000_000_000, 300_000, 7]);
  });

  it('hybrid v1: the unified hierarchy’s directory found beside the controllers (HOST_CGROUP/unified), its PSI read', () => {
    const { host, unified } = hybrid();
    host.pressure(unified, { cpu: [60_549, 50_465], memory: [0, 0], io: [0, 0] });
    const { next, target } = reader(host, V1_LINES);
    expect(target.layout).toMatchObject({ version: 1, unified });
    const sample = next();
    expect(sample.pressure).toEqual({
      cpu: { someNs: 60_549_000, fullNs: 50_465_000 },
      memory: { someNs: 0, fullNs: 0 },
      io: { someNs: 0, fullNs: 0 },
    });
    expect(sample.cpu?.usageNs).toBe(5_000_000_000); // the v1 counters as before
  });

  it('v1 without a unified hierarchy, or without PSI files in it, or a 0:: path not naming the container: no pressure', () => {
    const plain = new FakeHost().v1Container(V1_PATH, V1_VALUES);
    const noUnified = reader(plain, V1_LINES);
    expect(noUnified.target.layout).not.toHaveProperty('unified');
    expect(noUnified.next()).not.toHaveProperty('pressure');

    const { host } = hybrid();
    expect(reader(host, V1_LINES).next()).not.toHaveProperty('pressure');

    const elsewhere = hybrid();
    elsewhere.host.pressure(`${elsewhere.host.cgroup}/unified/init.scope`, { cpu: [5] });
    const lines = [...V1_LINES.slice(0, -1), '0::/init.scope'];
    const other = reader(elsewhere.host, lines);
    expect(other.target.layout).not.toHaveProperty('unified');
    expect(other.next()).not.toHaveProperty('pressure');
  });

  it('a malformed file, or one that cannot be read (a directory: EISDIR), loses its own fields only, never the sample', () => {
    const { host, dir, lines } = v2();
    host.pressure(dir, { cpu: 'some avg10=x total=oops\n', memory: [10, 5] });
    mkdirSync(`${dir}/io.pressure`);
    const { next } = reader(host, lines);
    for (let i = 0; i < SLOW_EVERY + 2; i++) {
      const sample = next();
      expect(sample.pressure, `sample ${i}`).toEqual({ memory: { someNs: 10_000, fullNs: 5000 } });
      expect(sample.cpu?.usageNs).toBe(2_000_000_000);
    }
  });

  it('PSI that comes later (cgroup.pressure written 1) is read from the next slow round, then at every sample', () => {
    const { host, dir, lines } = v2();
    const { next } = reader(host, lines);
    expect(next()).not.toHaveProperty('pressure');
    host.pressure(dir, { cpu: [100, 0] });
    for (let i = 1; i < SLOW_EVERY; i++) expect(next(), `sample ${i}`).not.toHaveProperty('pressure');
    expect(next().pressure).toEqual({ cpu: { someNs: 100_000, fullNs: 0 } });
    host.pressure(dir, { cpu: [250, 0] });
    expect(next().pressure).toEqual({ cpu: { someNs: 250_000, fullNs: 0 } }); // kept open, read at every sample
  });
});
