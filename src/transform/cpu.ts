import { type Fields, has, int } from '../model/point.js';
import { type CpuSample, type StatsRecord, isPodman, isWindows } from '../model/statsRecord.js';
import { type Instant, nanosBetween } from '../model/timestamp.js';

/** The collector's own previous sample of a container: the base when the engine gives none. */
export interface PreviousSample {
  readonly cpu: CpuSample;
  readonly read: Instant;
}

/**
 * The counters of a CPU sample that a later record is compared with, copied out of the record:
 * keeping `cpu_stats` itself would keep its per-CPU array and throttling object alive for a
 * second per container, long enough to be promoted to V8's old generation, which at 10,000
 * containers is garbage the full collections must then clear.
 */
export function cpuBase(cpu: CpuSample): CpuSample {
  const usage = cpu.cpu_usage;
  const base: CpuSample = {};
  if (usage) {
    base.cpu_usage = { total_usage: usage.total_usage };
    if (usage.usage_in_kernelmode !== undefined) base.cpu_usage.usage_in_kernelmode = usage.usage_in_kernelmode;
    if (usage.usage_in_usermode !== undefined) base.cpu_usage.usage_in_usermode = usage.usage_in_usermode;
  }
  if (cpu.system_cpu_usage !== undefined) base.system_cpu_usage = cpu.system_cpu_usage;
  return base;
}

interface Base {
  readonly cpu: CpuSample;
  readonly read: Instant | undefined;
}

const hasCpu = (s: CpuSample | undefined): s is CpuSample & Required<Pick<CpuSample, 'cpu_usage'>> =>
  has(s?.cpu_usage) && s.cpu_usage.total_usage > 0;

/**
 * `cpu` fields, the docker CLI's formulas, on the delta against the engine's precpu_stats, else
 * against the collector's previous record of the container (first record, one-shot polling).
 * Without a base, or when a counter went backwards (restart), there is no point: never a
 * lifetime average, never a negative percentage.
 *
 * Linux:   usage_percent = Δtotal_usage / Δsystem_cpu_usage × online_cpus × 100
 *          (online_cpus, else the length of percpu_usage, else 1)
 * Windows: usage_percent = Δtotal_usage / (Δread in 100 ns × num_procs) × 100
 * Podman:  usage_percent = Δtotal_usage / Δread in ns × 100, as `podman stats` computes it (its
 *          `system_cpu_usage` is the host's busy time: `isPodman`)
 * system_percent and user_percent: the same with usage_in_kernelmode / usage_in_usermode.
 */
export function cpuFields(
  record: StatsRecord,
  read: Instant,
  previous: PreviousSample | undefined,
  preread: Instant | undefined,
): Fields | undefined {
  const cpu = record.cpu_stats;
  if (!hasCpu(cpu)) return undefined;
  const windows = isWindows(record);
  const podman = isPodman(record);
  const base = chooseBase(record, windows || podman, previous, preread);
  if (!base || !hasCpu(base.cpu)) return undefined;

  // The docker CLI's arithmetic, in its order, so that the numbers agree to the last digit.
  let percent: (delta: number) => number;
  if (windows) {
    if (!base.read) return undefined;
    const possibleIntervals = Math.floor(nanosBetween(base.read, read) / 100) * (record.num_procs ?? 0);
    if (!(possibleIntervals > 0)) return undefined;
    percent = (delta) => (delta / possibleIntervals) * 100;
  } else if (podman) {
    const wallNs = base.read ? nanosBetween(base.read, read) : 0;
    if (!(wallNs > 0)) return undefined;
    percent = (delta) => (delta / wallNs) * 100;
  } else {
    if (!has(cpu.system_cpu_usage) || !has(base.cpu.system_cpu_usage)) return undefined;
    const systemDelta = cpu.system_cpu_usage - base.cpu.system_cpu_usage;
    const cpus = cpu.online_cpus || cpu.cpu_usage.percpu_usage?.length || 1;
    if (!(systemDelta > 0)) return undefined;
    percent = (delta) => (delta / systemDelta) * cpus * 100;
  }
  const totalDelta = cpu.cpu_usage.total_usage - base.cpu.cpu_usage.total_usage;
  if (totalDelta < 0) return undefined;

  const fields: Fields = { usage_percent: percent(totalDelta) };
  const share = (now: number | undefined, before: number | undefined): number | undefined =>
    has(now) && has(before) && now >= before ? percent(now - before) : undefined;
  const system = share(cpu.cpu_usage.usage_in_kernelmode, base.cpu.cpu_usage.usage_in_kernelmode);
  const user = share(cpu.cpu_usage.usage_in_usermode, base.cpu.cpu_usage.usage_in_usermode);
  if (system !== undefined) fields.system_percent = system;
  if (user !== undefined) fields.user_percent = user;

  const throttling = cpu.throttling_data;
  if (has(throttling?.periods)) fields.throttling_periods = int(throttling.periods);
  if (has(throttling?.throttled_periods)) fields.throttled_periods = int(throttling.throttled_periods);
  if (has(throttling?.throttled_time)) fields.throttled_time_ns = int(throttling.throttled_time);
  if (has(record.pids_stats?.current)) fields.pids_current = int(record.pids_stats.current);
  if (has(record.pids_stats?.limit)) fields.pids_limit = int(record.pids_stats.limit);
  return fields;
}

/** `byRead`: the base's time is its `read` (Windows, Podman), not its `system_cpu_usage`. */
function chooseBase(
  record: StatsRecord,
  byRead: boolean,
  previous: PreviousSample | undefined,
  preread: Instant | undefined,
): Base | undefined {
  const pre = record.precpu_stats;
  // The engine's precpu is empty on a stream's first record and on every one-shot record.
  const enginePre = byRead
    ? hasCpu(pre) && preread !== undefined && preread.seconds > 0
    : hasCpu(pre) && (pre.system_cpu_usage ?? 0) > 0;
  if (enginePre && pre) return { cpu: pre, read: preread };
  return previous;
}
