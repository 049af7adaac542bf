import * as t from 'io-ts';
import { isTimestamp } from '../model/timestamp.js';

/**
 * The Engine API's stats JSON, where it enters untrusted: the stats record as Linux engines
 * (cgroup v1 and v2), Windows engines and Podman's compat API send it, reduced to what the
 * adapter (`toSample`) uses: io-ts decodes only these keys and ignores the rest. The codecs are
 * the single source of the types (`t.TypeOf`).
 *
 * - cgroup v1: `percpu_usage`, `memory_stats.stats.total_*`, blkio lists per op (Read, Write,
 *   Sync, Async, Total) for bytes and ops.
 * - cgroup v2: no `percpu_usage`; `memory_stats.stats` has `inactive_file`, `anon`, `file`;
 *   blkio has only `io_service_bytes_recursive` with `read` / `write`; the other lists are null.
 * - Windows: `num_procs`, `memory_stats.privateworkingset` / `commitbytes`, `storage_stats`;
 *   `total_usage` and `read - preread` in 100 ns units, no `system_cpu_usage`.
 */

export const Timestamp = new t.Type<string, string, unknown>(
  'RFC3339Nano',
  isTimestamp,
  (u, c) => (isTimestamp(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const CpuUsage = t.intersection([
  t.type({ total_usage: t.number }),
  t.partial({
    usage_in_kernelmode: t.number,
    usage_in_usermode: t.number,
    // only its length is used (the CPU count fallback)
    percpu_usage: t.union([t.UnknownArray, t.null]),
  }),
]);

const CpuStats = t.partial({
  cpu_usage: CpuUsage,
  system_cpu_usage: t.number,
  online_cpus: t.number,
  // Podman's own CPU percent: only Podman's compat API sends it (see `isPodman`).
  cpu: t.number,
  throttling_data: t.partial({ periods: t.number, throttled_periods: t.number, throttled_time: t.number }),
});
export type CpuStats = t.TypeOf<typeof CpuStats>;

const MemoryStats = t.partial({
  usage: t.number,
  limit: t.number,
  max_usage: t.number,
  stats: t.partial({
    total_inactive_file: t.number, // cgroup v1
    inactive_file: t.number, // cgroup v2 (also on v1, non-hierarchical)
    total_rss: t.number, // v1
    total_cache: t.number, // v1
    anon: t.number, // v2
    file: t.number, // v2
    total_swap: t.number, // v1 with swap accounting, from engines that pass memory.stat on (not Docker 20.10)
    swap: t.number, // v1, non-hierarchical
  }),
  privateworkingset: t.number, // Windows
  commitbytes: t.number, // Windows
  commitpeakbytes: t.number, // Windows
});
export type MemoryStats = t.TypeOf<typeof MemoryStats>;

export const NetworkStats = t.type({
  rx_bytes: t.number,
  rx_packets: t.number,
  rx_errors: t.number,
  rx_dropped: t.number,
  tx_bytes: t.number,
  tx_packets: t.number,
  tx_errors: t.number,
  tx_dropped: t.number,
});
export type NetworkStats = t.TypeOf<typeof NetworkStats>;

const BlkioEntry = t.type({ major: t.number, minor: t.number, op: t.string, value: t.number });
export type BlkioEntry = t.TypeOf<typeof BlkioEntry>;
const BlkioList = t.union([t.array(BlkioEntry), t.null]);

const BlkioStats = t.partial({ io_service_bytes_recursive: BlkioList, io_serviced_recursive: BlkioList });
export type BlkioStats = t.TypeOf<typeof BlkioStats>;

export const StorageStats = t.partial({
  read_count_normalized: t.number,
  read_size_bytes: t.number,
  write_count_normalized: t.number,
  write_size_bytes: t.number,
});
export type StorageStats = t.TypeOf<typeof StorageStats>;

export const StatsRecord = t.intersection([
  t.type({ read: Timestamp, cpu_stats: CpuStats }),
  t.partial({
    preread: Timestamp,
    precpu_stats: CpuStats,
    memory_stats: MemoryStats,
    networks: t.union([t.record(t.string, NetworkStats), t.null]),
    blkio_stats: BlkioStats,
    pids_stats: t.partial({ current: t.number, limit: t.number }),
    num_procs: t.number,
    storage_stats: StorageStats,
  }),
]);
export type StatsRecord = t.TypeOf<typeof StatsRecord>;

/** A Windows engine's record: only Windows reports `num_procs` (its CPU formula and fields differ). */
export const isWindows = (record: StatsRecord): boolean => (record.num_procs ?? 0) > 0;

/**
 * A record from Podman's Docker-compatible API (pkg/api/handlers/compat), which only Podman marks
 * with `cpu_stats.cpu`. Its `system_cpu_usage` is not Docker's: on cgroup v1 it is the root
 * cgroup's `cpuacct.usage` (the host's busy time, not all CPU time), so Docker's formula gives
 * twice the CPU on an idle 2-CPU host; its one network entry is the sum of the container's
 * interfaces under the name `network` (or the endpoint id), with the packet and error counters
 * written as 0; and `memory_stats.stats` is empty.
 */
export const isPodman = (record: StatsRecord): boolean => record.cpu_stats.cpu !== undefined;
