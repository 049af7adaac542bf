import type { ContainerRef } from '../model/container.js';
import type {
  BlockDeviceSample,
  ContainerSample,
  CpuSample,
  MemorySample,
  NetworkSample,
  PreviousCpu,
} from '../model/containerSample.js';
import { type Instant, parseInstant } from '../model/timestamp.js';
import { blockDevices } from './blockDevices.js';
import {
  type CpuStats,
  type MemoryStats,
  type NetworkStats,
  type StatsRecord,
  type StorageStats,
  isPodman,
  isWindows,
} from './engineStats.js';
import { inactiveFile } from './inactiveFile.js';

/** Which engine wrote a record: its CPU base, its units and its network counters differ. */
type Dialect = 'linux' | 'windows' | 'podman';

/** Windows counts CPU time in 100 ns intervals. */
const WINDOWS_TICK_NS = 100;
/** The time of a record whose `read` does not parse: transform makes no points at it, as at Go's zero time. */
const NO_TIME: Instant = { seconds: 0, nanos: 0 };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The Engine API adapter: one stats record, as Docker (Linux, cgroup v1 and v2; Windows) and
 * Podman's compat API send it, as our sample. What differs by engine is settled here, so that
 * transform knows no engine:
 * - Linux: the host's CPU time is `system_cpu_usage`, CPUs `online_cpus` else the length of
 *   `percpu_usage`; a record without `system_cpu_usage` has no CPU sample (its rule needs it).
 * - Windows (`num_procs`): CPU times in 100 ns; 100 % is the whole host (`num_procs` CPUs) over
 *   wall-clock time; memory is the private working set; `storage_stats` is the device `storage`.
 * - Podman (`cpu_stats.cpu`): its `system_cpu_usage` is not the host's CPU time, so none: CPU over
 *   wall-clock time, 100 % a CPU, as `podman stats`; its networks, summed already, are one
 *   interface `all` with the two byte counters it really has (the others it writes as 0).
 * - `precpu_stats` and `preread` become `previous` only when usable: not the empty precpu of a
 *   stream's first record and of every one-shot record.
 * - The engine's zeroed record of a stopped container (`read` at Go's zero time, before 1970)
 *   keeps its time, at which transform makes no points.
 */
export function toSample(container: ContainerRef, stats: StatsRecord): ContainerSample {
  const dialect: Dialect = isWindows(stats) ? 'windows' : isPodman(stats) ? 'podman' : 'linux';
  const sample: Mutable<ContainerSample> = { container, at: parseInstant(stats.read) ?? NO_TIME };
  const cpu = cpuSample(stats.cpu_stats, dialect, stats.num_procs, true);
  if (cpu) sample.cpu = cpu;
  const previous = previousOf(stats, dialect);
  if (previous) sample.previous = previous;
  const memory = dialect === 'windows' ? windowsMemory(stats.memory_stats) : memorySample(stats.memory_stats);
  if (memory) sample.memory = memory;
  if (stats.pids_stats) sample.pids = stats.pids_stats;
  const networks = networkSamples(stats.networks, dialect === 'podman');
  if (networks) sample.networks = networks;
  const blockio =
    dialect === 'windows'
      ? windowsStorage(stats.storage_stats)
      : blockDevices(stats.blkio_stats?.io_service_bytes_recursive, stats.blkio_stats?.io_serviced_recursive);
  if (blockio.length > 0) sample.blockio = blockio;
  return sample;
}

/** `details`: throttling and CPUs, which a previous sample does not need. */
function cpuSample(
  stats: CpuStats | undefined,
  dialect: Dialect,
  numProcs: number | undefined,
  details: boolean,
): CpuSample | undefined {
  const usage = stats?.cpu_usage;
  if (!usage) return undefined;
  if (dialect === 'linux' && stats.system_cpu_usage === undefined) return undefined;
  const unit = dialect === 'windows' ? WINDOWS_TICK_NS : 1;
  const cpu: Mutable<CpuSample> = {
    usageNs: usage.total_usage * unit,
    percentOf: dialect === 'windows' ? 'host' : 'cpu',
  };
  if (usage.usage_in_usermode !== undefined) cpu.userNs = usage.usage_in_usermode * unit;
  if (usage.usage_in_kernelmode !== undefined) cpu.systemNs = usage.usage_in_kernelmode * unit;
  if (dialect === 'linux') cpu.hostNs = stats.system_cpu_usage;
  if (!details) return cpu;
  const cpus = dialect === 'windows' ? numProcs : stats.online_cpus || usage.percpu_usage?.length;
  if (cpus) cpu.onlineCpus = cpus;
  const throttling = stats.throttling_data;
  if (throttling)
    cpu.throttling = {
      periods: throttling.periods,
      throttledPeriods: throttling.throttled_periods,
      throttledNs: throttling.throttled_time,
    };
  return cpu;
}

/** The engine's previous sample, when it is one: Linux's by its host CPU time, the others' by their `preread`. */
function previousOf(stats: StatsRecord, dialect: Dialect): PreviousCpu | undefined {
  const pre = stats.precpu_stats;
  if (!pre?.cpu_usage || !(pre.cpu_usage.total_usage > 0)) return undefined;
  // Linux's rule takes its deltas against the host's CPU time, not the time between the records:
  // its `preread` is not parsed.
  if (dialect === 'linux') {
    const cpu = (pre.system_cpu_usage ?? 0) > 0 ? cpuSample(pre, dialect, undefined, false) : undefined;
    return cpu && { cpu };
  }
  const at = stats.preread === undefined ? undefined : parseInstant(stats.preread);
  if (!(at && at.seconds > 0)) return undefined;
  const cpu = cpuSample(pre, dialect, stats.num_procs, false);
  return cpu && { at, cpu };
}

function memorySample(memory: MemoryStats | undefined): MemorySample | undefined {
  if (memory?.usage === undefined) return undefined;
  const { usage, stats } = memory;
  const sample: Mutable<MemorySample> = { usageBytes: usage };
  const inactive = inactiveFile(usage, stats?.total_inactive_file, stats?.inactive_file);
  if (inactive !== undefined) sample.inactiveFileBytes = inactive;
  if (memory.limit !== undefined) sample.limitBytes = memory.limit;
  if (memory.max_usage !== undefined) sample.maxUsageBytes = memory.max_usage;
  if (stats?.total_rss !== undefined) sample.rssBytes = stats.total_rss;
  if (stats?.total_cache !== undefined) sample.cacheBytes = stats.total_cache;
  if (stats?.anon !== undefined) sample.anonBytes = stats.anon;
  if (stats?.file !== undefined) sample.fileBytes = stats.file;
  // cAdvisor's rule: the hierarchy's total where memory.stat has it, else the cgroup's own.
  const swap = stats?.total_swap ?? stats?.swap;
  if (swap !== undefined) sample.swapBytes = swap;
  return sample;
}

/** Windows reports no limit: its usage is the private working set. */
function windowsMemory(memory: MemoryStats | undefined): MemorySample | undefined {
  if (memory?.privateworkingset === undefined) return undefined;
  const sample: Mutable<MemorySample> = { usageBytes: memory.privateworkingset };
  if (memory.commitbytes !== undefined) sample.commitBytes = memory.commitbytes;
  if (memory.commitpeakbytes !== undefined) sample.commitPeakBytes = memory.commitpeakbytes;
  return sample;
}

/** Podman's compat API: one entry (`network`, or the endpoint id), the sum of the container's interfaces. */
export const PODMAN_INTERFACE = 'all';

function networkSamples(
  networks: Record<string, NetworkStats> | null | undefined,
  podman: boolean,
): NetworkSample[] | undefined {
  if (!networks) return undefined;
  const samples: NetworkSample[] = [];
  if (podman) {
    let [rxBytes, txBytes] = [0, 0];
    for (const name in networks) {
      rxBytes += networks[name]!.rx_bytes;
      txBytes += networks[name]!.tx_bytes;
    }
    samples.push({ name: PODMAN_INTERFACE, rxBytes, txBytes });
    return samples;
  }
  for (const name in networks) {
    const n = networks[name]!;
    samples.push({
      name,
      rxBytes: n.rx_bytes,
      txBytes: n.tx_bytes,
      rxPackets: n.rx_packets,
      txPackets: n.tx_packets,
      rxErrors: n.rx_errors,
      txErrors: n.tx_errors,
      rxDropped: n.rx_dropped,
      txDropped: n.tx_dropped,
    });
  }
  return samples;
}

function windowsStorage(storage: StorageStats | undefined): BlockDeviceSample[] {
  if (!storage) return [];
  const device: Mutable<BlockDeviceSample> = { device: 'storage' };
  if (storage.read_size_bytes !== undefined) device.readBytes = storage.read_size_bytes;
  if (storage.write_size_bytes !== undefined) device.writeBytes = storage.write_size_bytes;
  if (storage.read_count_normalized !== undefined) device.readOps = storage.read_count_normalized;
  if (storage.write_count_normalized !== undefined) device.writeOps = storage.write_count_normalized;
  return Object.keys(device).length > 1 ? [device] : [];
}
