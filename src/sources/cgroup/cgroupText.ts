import type { NetworkSample, PressureSample } from '../../model/containerSample.js';
import type { BlkioLine } from '../../validate/blockDevices.js';

/**
 * Parsers of the kernel's cgroup and proc files, as the engine's own readers (runc's libcontainer,
 * containerd/cgroups) parse them: pure, text in, numbers out. Counters beyond 2^53 lose their
 * lowest bits as they do in the engine's JSON, which our pipeline reads with JSON.parse.
 */

/** USER_HZ: the unit of /proc/stat and cpuacct.stat; the engine takes it as 100 on Linux, as do we. */
export const CLOCK_TICKS_PER_SECOND = 100;
const NS_PER_TICK = 1e9 / CLOCK_TICKS_PER_SECOND;

/** A single number file (`memory.usage_in_bytes`, `pids.current`); `max` (unlimited) is undefined. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'max') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

/** `key value` lines (memory.stat, cpu.stat, cpuacct.stat), only the keys asked for. */
export function parseKeyValues<K extends string>(text: string, keys: readonly K[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const key = line.slice(0, space) as K;
    if (keys.includes(key)) out[key] = Number(line.slice(space + 1));
  }
  return out;
}

export interface SystemCpu {
  /** Nanoseconds of all CPUs' time since boot, as the engine counts it. */
  readonly systemCpuUsage: number;
  readonly onlineCpus: number;
}

/**
 * /proc/stat as the engine reads it for `system_cpu_usage`: the first seven fields of the `cpu`
 * line (user, nice, system, idle, iowait, irq, softirq; not steal) in USER_HZ ticks, in ns. The
 * CPU count is the number of `cpuN` lines (the engine since 23.0; 20.10 counted its own CPU
 * affinity, the same number for an engine that is not pinned to some CPUs).
 */
export function parseProcStat(text: string): SystemCpu | undefined {
  let ticks: number | undefined;
  let onlineCpus = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) break;
    if (line[3] === ' ') {
      const fields = line.split(/\s+/).slice(1, 8).map(Number);
      if (fields.length < 7 || fields.some(Number.isNaN)) return undefined;
      ticks = fields.reduce((a, b) => a + b, 0);
    } else onlineCpus++;
  }
  return ticks === undefined ? undefined : { systemCpuUsage: ticks * NS_PER_TICK, onlineCpus };
}

/** cpuacct.stat: `user` and `system` in USER_HZ ticks, as ns. */
export function parseCpuacctStat(text: string): { user: number; system: number } | undefined {
  const { user, system } = parseKeyValues(text, ['user', 'system'] as const);
  return user === undefined || system === undefined
    ? undefined
    : { user: user * NS_PER_TICK, system: system * NS_PER_TICK };
}

/** MemTotal of /proc/meminfo, in bytes: what the engine reports as the limit of an unlimited container. */
export function parseMemTotal(text: string): number | undefined {
  const m = /^MemTotal:\s+(\d+) kB$/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** A cgroup v1 blkio file: `major:minor Op value` lines; the `Total` line left out. */
export function parseBlkio(text: string): BlkioLine[] {
  const entries: BlkioLine[] = [];
  for (const line of text.split('\n')) {
    const [device, op, value] = line.split(' ');
    if (!device || !op || value === undefined) continue;
    const colon = device.indexOf(':');
    if (colon <= 0) continue;
    entries.push({
      major: Number(device.slice(0, colon)),
      minor: Number(device.slice(colon + 1)),
      op,
      value: Number(value),
    });
  }
  return entries;
}

/** cgroup v2 io.stat: `major:minor rbytes=N wbytes=N ...`, as the engine gives it: read and write bytes per device. */
export function parseIoStat(text: string): BlkioLine[] {
  const entries: BlkioLine[] = [];
  for (const line of text.split('\n')) {
    const [device, ...pairs] = line.trim().split(' ');
    const colon = device?.indexOf(':') ?? -1;
    if (!device || colon <= 0) continue;
    const [major, minor] = [Number(device.slice(0, colon)), Number(device.slice(colon + 1))];
    const value = (key: string): number =>
      Number(pairs.find((p) => p.startsWith(`${key}=`))?.slice(key.length + 1) ?? 0);
    entries.push(
      { major, minor, op: 'read', value: value('rbytes') },
      { major, minor, op: 'write', value: value('wbytes') },
    );
  }
  return entries;
}

/**
 * One line of a PSI file: `some` or `full`, then `key=value` pairs of which `total` (µs) is the
 * one we keep; pairs a later kernel may add are let through, anything else is not a PSI line.
 */
const PSI_LINE = /^(some|full)(?: [a-z0-9]+=[0-9.]+)* total=(\d+)(?: [a-z0-9]+=[0-9.]+)*$/;

/**
 * A `<resource>.pressure` file (Documentation/accounting/psi.rst): the `some` total, and the
 * `full` one where the file has that line (cpu.pressure before Linux 5.13 has none), in ns. A
 * file that is not one (no `some` line, a line of anything else, a line twice) is none.
 */
export function parsePressure(text: string): PressureSample | undefined {
  let someNs: number | undefined;
  let fullNs: number | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = PSI_LINE.exec(line.trimEnd());
    if (!m) return undefined;
    const ns = Number(m[2]) * 1000;
    if (m[1] === 'some') {
      if (someNs !== undefined) return undefined;
      someNs = ns;
    } else {
      if (fullNs !== undefined) return undefined;
      fullNs = ns;
    }
  }
  if (someNs === undefined) return undefined;
  return fullNs === undefined ? { someNs } : { someNs, fullNs };
}

/**
 * /proc/<pid>/net/dev of a container's process: the counters of the interfaces of its network
 * namespace, as the engine reports them (its libnetwork reads the same kernel counters), but
 * `lo`, which the engine leaves out.
 */
export function parseNetDev(text: string): NetworkSample[] {
  const networks: NetworkSample[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (name === 'lo' || f.length < 16) continue;
    networks.push({
      name,
      rxBytes: f[0]!,
      txBytes: f[8]!,
      rxPackets: f[1]!,
      txPackets: f[9]!,
      rxErrors: f[2]!,
      txErrors: f[10]!,
      rxDropped: f[3]!,
      txDropped: f[11]!,
    });
  }
  return networks;
}
