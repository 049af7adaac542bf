import type { BlkioEntry, CpuSample, MemoryStats, NetworkStats, StatsRecord } from '../../model/statsRecord.js';
import type { CgroupLayout } from './cgroupPaths.js';
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
  readonly pid: number;
  readonly layout: CgroupLayout;
  /** False for `--network host`, for which the engine reports no networks. */
  readonly networks: boolean;
}

/** The host as the cgroup source sees it: where /proc is, its memory, and how a file is read. */
export interface HostView {
  /** HOST_PROC, default /proc. */
  readonly proc: string;
  /** MemTotal in bytes: what the engine reports as the limit of an unlimited container. */
  readonly memTotal: number | undefined;
  /** A file's text; throws (ENOENT when the container is gone). */
  readFile(path: string): string;
  /** Lets go of the files under this path (a container's cgroup, its /proc/<pid>), if any are kept open. */
  forget?(prefix: string): void;
}

/** The folders a container's files are read from: what is let go of when it is no longer read. */
export function targetDirs(target: CgroupTarget, proc: string): string[] {
  const { layout } = target;
  const cgroups =
    layout.version === 1 ? Object.values(layout.dirs).filter((d): d is string => d !== undefined) : [layout.dir];
  return [...cgroups.map((d) => `${d}/`), `${proc}/${target.pid}/`];
}

/** A record's CPU sample and its time: the next record's `precpu_stats` and `preread`. */
export interface CpuBase {
  readonly read: string;
  readonly cpu: CpuSample;
}

const V1_MEMORY = ['total_inactive_file', 'inactive_file', 'total_rss', 'total_cache'] as const;
const V2_MEMORY = ['inactive_file', 'anon', 'file'] as const;
const V1_THROTTLING = ['nr_periods', 'nr_throttled', 'throttled_time'] as const;
const V2_CPU = ['usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec'] as const;

/**
 * The engine's rule for the memory limit: a limit above the host's memory (no limit: v1's
 * 9223372036854771712, v2's `max`) is reported as the host's memory (daemon/stats_unix.go).
 */
const capped = (limit: number | undefined, memTotal: number | undefined): number | undefined =>
  memTotal !== undefined && memTotal > 0 && (limit === undefined || limit > memTotal) ? memTotal : limit;

const defined = <T extends object>(o: T): T => {
  for (const key of Object.keys(o) as Array<keyof T>) if (o[key] === undefined) delete o[key];
  return o;
};

function v1Record(dirs: Extract<CgroupLayout, { version: 1 }>['dirs'], host: HostView): Omit<StatsRecord, 'read'> {
  const file = (dir: string | undefined, name: string): string | undefined =>
    dir === undefined ? undefined : host.readFile(`${dir}/${name}`);
  const total = Number(file(dirs.cpuacct, 'cpuacct.usage'));
  const times = parseCpuacctStat(file(dirs.cpuacct, 'cpuacct.stat') ?? '');
  const cpuStat =
    dirs.cpu === undefined ? undefined : parseKeyValues(host.readFile(`${dirs.cpu}/cpu.stat`), V1_THROTTLING);
  const cpu: CpuSample = {
    cpu_usage: defined({ total_usage: total, usage_in_kernelmode: times?.system, usage_in_usermode: times?.user }),
  };
  if (cpuStat) {
    cpu.throttling_data = {
      periods: cpuStat.nr_periods ?? 0,
      throttled_periods: cpuStat.nr_throttled ?? 0,
      throttled_time: cpuStat.throttled_time ?? 0,
    };
  }
  const memory: MemoryStats = defined({
    usage: parseNumber(file(dirs.memory, 'memory.usage_in_bytes') ?? ''),
    max_usage: parseNumber(file(dirs.memory, 'memory.max_usage_in_bytes') ?? ''),
    limit: capped(parseNumber(file(dirs.memory, 'memory.limit_in_bytes') ?? ''), host.memTotal),
    stats: parseKeyValues(file(dirs.memory, 'memory.stat') ?? '', V1_MEMORY),
  });
  return {
    cpu_stats: cpu,
    memory_stats: memory,
    pids_stats: pids(dirs.pids, host),
    blkio_stats: v1Blkio(dirs.blkio, host),
  };
}

/**
 * Block I/O as the engine's reader takes it: the CFQ `*_recursive` files where the kernel has them
 * and they list something, else the `throttle.` ones (containerd/cgroups cgroup1/blkio.go).
 */
function v1Blkio(dir: string | undefined, host: HostView): StatsRecord['blkio_stats'] {
  if (dir === undefined) return {};
  const read = (name: string): BlkioEntry[] => parseBlkio(host.readFile(`${dir}/blkio.${name}`));
  let bytes: BlkioEntry[] = [];
  let ops: BlkioEntry[] = [];
  try {
    bytes = read('io_service_bytes_recursive');
    ops = read('io_serviced_recursive');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (bytes.length === 0 && ops.length === 0)
    [bytes, ops] = [read('throttle.io_service_bytes'), read('throttle.io_serviced')];
  return { io_service_bytes_recursive: bytes, io_serviced_recursive: ops };
}

function pids(dir: string | undefined, host: HostView): StatsRecord['pids_stats'] {
  if (dir === undefined) return undefined;
  // `max` (no limit) is left out, as the engine leaves out its 0
  return defined({
    current: parseNumber(host.readFile(`${dir}/pids.current`)),
    limit: parseNumber(host.readFile(`${dir}/pids.max`)) || undefined,
  });
}

function v2Record(dir: string, host: HostView): Omit<StatsRecord, 'read'> {
  const read = (name: string): string => host.readFile(`${dir}/${name}`);
  const stat = parseKeyValues(read('cpu.stat'), V2_CPU);
  const us = (n: number | undefined): number => (n ?? 0) * 1000;
  const cpu: CpuSample = {
    cpu_usage: {
      total_usage: us(stat.usage_usec),
      usage_in_kernelmode: us(stat.system_usec),
      usage_in_usermode: us(stat.user_usec),
    },
    throttling_data: {
      periods: stat.nr_periods ?? 0,
      throttled_periods: stat.nr_throttled ?? 0,
      throttled_time: us(stat.throttled_usec),
    },
  };
  const memory: MemoryStats = defined({
    usage: parseNumber(read('memory.current')),
    limit: capped(parseNumber(read('memory.max')), host.memTotal),
    stats: parseKeyValues(read('memory.stat'), V2_MEMORY),
  });
  let io: BlkioEntry[] = [];
  try {
    io = parseIoStat(read('io.stat'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // no io controller enabled here
  }
  return {
    cpu_stats: cpu,
    memory_stats: memory,
    pids_stats: pids(dir, host),
    blkio_stats: { io_service_bytes_recursive: io },
  };
}

/**
 * One container's stats record, read from its cgroup files now, shaped as the engine's: the same
 * counters, with `system_cpu_usage` and `online_cpus` from /proc/stat (`system`), the previous
 * record's CPU as `precpu_stats`, networks from /proc/<pid>/net/dev. Throws what reading throws
 * (ENOENT once the container is gone).
 */
export function readRecord(
  target: CgroupTarget,
  host: HostView,
  system: SystemCpu,
  read: string,
  previous: CpuBase | undefined,
): StatsRecord {
  const { layout } = target;
  const record = layout.version === 1 ? v1Record(layout.dirs, host) : v2Record(layout.dir, host);
  record.cpu_stats.system_cpu_usage = system.systemCpuUsage;
  record.cpu_stats.online_cpus = system.onlineCpus;
  const networks: Record<string, NetworkStats> | undefined = target.networks
    ? parseNetDev(host.readFile(`${host.proc}/${target.pid}/net/dev`))
    : undefined;
  return defined({
    read,
    preread: previous?.read ?? '0001-01-01T00:00:00Z',
    precpu_stats: previous?.cpu ?? {},
    ...record,
    networks,
  });
}
