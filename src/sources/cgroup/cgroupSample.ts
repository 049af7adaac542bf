import type { ContainerRef } from '../../model/container.js';
import type {
  BlockDeviceSample,
  ContainerSample,
  CpuSample,
  MemorySample,
  PreviousCpu,
} from '../../model/containerSample.js';
import type { Instant } from '../../model/timestamp.js';
import { type BlkioLine, blockDevices } from '../../validate/blockDevices.js';
import { inactiveFile } from '../../validate/inactiveFile.js';
import type { CgroupLayout } from './cgroupPaths.js';
import { readPressure } from './cgroupPressure.js';
import { ContainerFiles, type FileOpener } from './containerFiles.js';
import {
  type SystemCpu,
  parseBlkio,
  parseCpuacctStat,
  parseIoStat,
  parseKeyValues,
  parseNetDev,
  parseNumber,
} from './cgroupText.js';

/** A container the cgroup source reads: its init process, its cgroup, whether it has networks of its own. */
export interface CgroupTarget {
  readonly id: string;
  /** Whose cgroup it is: the container its samples are of. */
  readonly container: ContainerRef;
  readonly pid: number;
  readonly layout: CgroupLayout;
  /** False for `--network host`, for which the engine reports no networks. */
  readonly networks: boolean;
  /** cgroup v1: whether the kernel has the CFQ `blkio.*_recursive` files (else only `throttle.`), found once. */
  readonly blkioCfq?: boolean;
}

/** The host as the cgroup source sees it: where /proc is, its memory, and how its files are read. */
export interface HostView extends FileOpener {
  /** HOST_PROC, default /proc. */
  readonly proc: string;
  /** MemTotal in bytes: what the engine reports as the limit of an unlimited container. */
  readonly memTotal: number | undefined;
  /** A file's text, read now; throws (ENOENT when it is not there). */
  readFile(path: string): string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** A sample without its container, time and previous, which `readSample` adds. */
type Counters = Pick<ContainerSample, 'cpu' | 'memory' | 'pids' | 'blockio' | 'pressure'>;

const V1_MEMORY = ['total_inactive_file', 'inactive_file', 'total_rss', 'total_cache', 'total_swap', 'swap'] as const;
const V2_MEMORY = ['inactive_file', 'anon', 'file'] as const;
const V1_THROTTLING = ['nr_periods', 'nr_throttled', 'throttled_time'] as const;
const V2_CPU = ['usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec'] as const;

/**
 * The engine's rule for the memory limit: a limit above the host's memory (no limit: v1's
 * 9223372036854771712, v2's `max`) is reported as the host's memory (daemon/stats_unix.go).
 */
const capped = (limit: number | undefined, memTotal: number | undefined): number | undefined =>
  memTotal !== undefined && memTotal > 0 && (limit === undefined || limit > memTotal) ? memTotal : limit;

const optionalNumber = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : parseNumber(text);

/** The object without its undefined keys, built by adding (a `delete` would turn it into a slow dictionary object). */
const defined = <T extends object>(o: T): T => {
  const out = {} as Record<string, unknown>;
  for (const key in o) if (o[key] !== undefined) out[key] = o[key];
  return out as T;
};

/**
 * Which files every cgroup has, and which are optional (their part of the sample left out while
 * they are absent; `ContainerFiles.optionalText`), as the engine's readers find them:
 * - v1: the cpuacct files; the memory files, where the container has a memory cgroup. Optional:
 *   the CFS bandwidth files (`cpu.cfs_quota_us`, `cpu.stat`: a kernel without CONFIG_CFS_BANDWIDTH),
 *   the pids and blkio controllers (not mounted, or no CFQ or throttling files).
 * - v2: `cpu.stat`, which the kernel makes in every cgroup, the controller enabled or not.
 *   Optional: the memory, pids and io controllers (not enabled for the cgroup: rootless engines
 *   get the ones systemd delegates); `memory.max` and `pids.max` say whether theirs is;
 *   `memory.swap.current`, absent without swap accounting (a kernel without CONFIG_MEMCG_SWAP).
 * - Both: the PSI files of the v2 directory (`readPressure`), extras that leave out only their
 *   own fields, whatever stops them being read.
 * A required file that is absent means the cgroup is gone: ENOENT ends the container's stream.
 */
function v1Counters(
  { dirs, unified }: Extract<CgroupLayout, { version: 1 }>,
  cfq: boolean,
  f: ContainerFiles,
  system: SystemCpu,
  memTotal: number | undefined,
): Counters {
  const cpuacct = dirs.cpuacct!;
  const times = parseCpuacctStat(f.text(cpuacct, 'cpuacct.stat'));
  const cpu: Mutable<CpuSample> = { usageNs: f.number(cpuacct, 'cpuacct.usage') ?? 0, percentOf: 'cpu' };
  if (times) [cpu.userNs, cpu.systemNs] = [times.user, times.system];
  const quota = dirs.cpu === undefined ? undefined : f.optionalText(dirs.cpu, 'cpu.cfs_quota_us', true);
  if (quota !== undefined) {
    // Without a CPU quota the throttling counters do not move: read with the slow files.
    const stat = quota.trim() === '-1' ? f.slowText(dirs.cpu!, 'cpu.stat') : f.text(dirs.cpu!, 'cpu.stat');
    const throttling = parseKeyValues(stat, V1_THROTTLING);
    cpu.throttling = {
      periods: throttling.nr_periods ?? 0,
      throttledPeriods: throttling.nr_throttled ?? 0,
      throttledNs: throttling.throttled_time ?? 0,
    };
  }
  return defined({
    cpu: withHost(cpu, system),
    memory: dirs.memory === undefined ? undefined : v1Memory(dirs.memory, f, memTotal),
    pids: pids(dirs.pids, f),
    blockio: v1Blkio(dirs.blkio, cfq, f),
    pressure: readPressure(unified, f),
  });
}

/** The host's CPU time and CPUs from /proc/stat, as the engine adds them to every record. */
function withHost(cpu: Mutable<CpuSample>, system: SystemCpu): CpuSample {
  cpu.hostNs = system.systemCpuUsage;
  cpu.onlineCpus = system.onlineCpus;
  return cpu;
}

function v1Memory(memory: string, f: ContainerFiles, memTotal: number | undefined): MemorySample | undefined {
  const usage = f.number(memory, 'memory.usage_in_bytes');
  // The high-water mark moves only when the usage passes it: read again when it has.
  let maxUsage = parseNumber(f.slowText(memory, 'memory.max_usage_in_bytes'));
  if (usage !== undefined && maxUsage !== undefined && usage > maxUsage) {
    f.stale('memory.max_usage_in_bytes');
    maxUsage = parseNumber(f.slowText(memory, 'memory.max_usage_in_bytes'));
  }
  const limit = capped(parseNumber(f.slowText(memory, 'memory.limit_in_bytes')), memTotal);
  const stats = parseKeyValues(f.text(memory, 'memory.stat'), V1_MEMORY);
  if (usage === undefined) return undefined;
  return defined({
    usageBytes: usage,
    inactiveFileBytes: inactiveFile(usage, stats.total_inactive_file, stats.inactive_file),
    limitBytes: limit,
    maxUsageBytes: maxUsage,
    rssBytes: stats.total_rss,
    cacheBytes: stats.total_cache,
    // Only with swap accounting (the memsw files) has memory.stat these lines: cAdvisor's rule.
    swapBytes: stats.total_swap ?? stats.swap,
  });
}

/**
 * Block I/O as the engine's reader takes it: the CFQ `*_recursive` files where the kernel has them
 * and they list something, else the `throttle.` ones (containerd/cgroups cgroup1/blkio.go).
 */
function v1Blkio(dir: string | undefined, cfq: boolean, f: ContainerFiles): readonly BlockDeviceSample[] | undefined {
  if (dir === undefined) return undefined;
  // A list that is still empty (no block I/O yet: most containers) is looked at again with the
  // slow files; once it lists a device, at every sample, through a file kept open.
  const read = (name: string): BlkioLine[] | undefined => {
    if (f.listed(name)) return parseBlkio(f.text(dir, name));
    const text = f.optionalText(dir, name, true);
    const entries = text === undefined ? undefined : parseBlkio(text);
    if (entries !== undefined && entries.length > 0) f.list(name);
    return entries;
  };
  let bytes = cfq ? read('blkio.io_service_bytes_recursive') : undefined;
  let ops = cfq ? read('blkio.io_serviced_recursive') : undefined;
  if (!bytes?.length && !ops?.length)
    [bytes, ops] = [read('blkio.throttle.io_service_bytes') ?? bytes, read('blkio.throttle.io_serviced') ?? ops];
  return devicesOf(bytes, ops);
}

/** The devices of the lists read, none when there were none to read; an empty list (no I/O yet) is no device. */
const devicesOf = (
  bytes: BlkioLine[] | undefined,
  ops: BlkioLine[] | undefined,
): readonly BlockDeviceSample[] | undefined => {
  if (bytes === undefined && ops === undefined) return undefined;
  const devices = blockDevices(bytes, ops);
  return devices.length > 0 ? devices : undefined;
};

/** `pids.max` says whether the pids controller is there; `max` (no limit) is left out, as the engine omits its 0. */
function pids(dir: string | undefined, f: ContainerFiles): ContainerSample['pids'] {
  const max = dir === undefined ? undefined : f.optionalText(dir, 'pids.max', true);
  if (max === undefined) return undefined;
  return defined({ current: f.number(dir!, 'pids.current'), limit: parseNumber(max) || undefined });
}

function v2Counters(dir: string, f: ContainerFiles, system: SystemCpu, memTotal: number | undefined): Counters {
  const stat = parseKeyValues(f.text(dir, 'cpu.stat'), V2_CPU);
  const us = (n: number | undefined): number => (n ?? 0) * 1000;
  const cpu: Mutable<CpuSample> = {
    usageNs: us(stat.usage_usec),
    percentOf: 'cpu',
    userNs: us(stat.user_usec),
    systemNs: us(stat.system_usec),
    throttling: {
      periods: stat.nr_periods ?? 0,
      throttledPeriods: stat.nr_throttled ?? 0,
      throttledNs: us(stat.throttled_usec),
    },
  };
  const limit = f.optionalText(dir, 'memory.max', true);
  let memory: MemorySample | undefined;
  if (limit !== undefined) {
    const usage = f.number(dir, 'memory.current');
    const stats = parseKeyValues(f.text(dir, 'memory.stat'), V2_MEMORY);
    if (usage !== undefined)
      memory = defined({
        usageBytes: usage,
        inactiveFileBytes: stats.inactive_file,
        limitBytes: capped(parseNumber(limit), memTotal),
        anonBytes: stats.anon,
        fileBytes: stats.file,
        // cAdvisor: runc's memsw usage (swap + memory) - memory; absent without swap accounting.
        swapBytes: optionalNumber(f.optionalText(dir, 'memory.swap.current')),
      });
  }
  const io = f.optionalText(dir, 'io.stat');
  return defined({
    cpu: withHost(cpu, system),
    memory,
    pids: pids(dir, f),
    blockio: io === undefined ? undefined : devicesOf(parseIoStat(io), undefined),
    pressure: readPressure(dir, f),
  });
}

/**
 * One container's sample, read from its cgroup files now: the same counters as the engine's
 * record, with the host's CPU time and CPUs from /proc/stat (`system`), the previous sample's CPU
 * as `previous`, networks from /proc/<pid>/net/dev. Limits are read every `SLOW_EVERY` samples
 * (`cache`). The parts of optional files that are absent are left out. Throws what reading
 * throws (ENOENT once a required file is gone: the container is).
 */
export function readSample(
  target: CgroupTarget,
  host: HostView,
  system: SystemCpu,
  at: Instant,
  previous: PreviousCpu | undefined,
  f: ContainerFiles = new ContainerFiles(host),
): ContainerSample {
  const { layout } = target;
  const counters =
    layout.version === 1
      ? v1Counters(layout, target.blkioCfq === true, f, system, host.memTotal)
      : v2Counters(layout.dir, f, system, host.memTotal);
  f.sampled();
  const networks = target.networks ? parseNetDev(f.text(`${host.proc}/${target.pid}`, 'net/dev')) : undefined;
  return defined({ container: target.container, at, previous, ...counters, networks });
}
