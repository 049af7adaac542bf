import type { ContainerSample, CpuSample, PreviousCpu } from '../model/containerSample.js';
import { type Fields, int } from '../model/point.js';
import { nanosBetween } from '../model/timestamp.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The counters of a CPU sample that a later sample is compared with, copied out of it: keeping
 * the sample itself would keep its throttling object (and, for the Engine API, the decoded record
 * it came with) alive for a second per container, long enough to be promoted to V8's old
 * generation, which at 10,000 containers is garbage the full collections must then clear.
 */
export function cpuBase(cpu: CpuSample): CpuSample {
  const base: Mutable<CpuSample> = { usageNs: cpu.usageNs, percentOf: cpu.percentOf };
  if (cpu.systemNs !== undefined) base.systemNs = cpu.systemNs;
  if (cpu.userNs !== undefined) base.userNs = cpu.userNs;
  if (cpu.hostNs !== undefined) base.hostNs = cpu.hostNs;
  return base;
}

const hasCpu = (cpu: CpuSample | undefined): cpu is CpuSample => cpu !== undefined && cpu.usageNs > 0;

/**
 * `cpu` fields, the docker CLI's formulas, on the delta against the source's previous sample,
 * else against the collector's previous sample of the container (first record, one-shot
 * polling). Without a base, or when a counter went backwards (restart), there is no point:
 * never a lifetime average, never a negative percentage. The rule is read off the sample:
 *
 * with hostNs:           usage_percent = Δusage / ΔhostNs × onlineCpus × 100   (docker stats on Linux;
 *                        onlineCpus else 1)
 * without, 100 % a CPU:  usage_percent = Δusage / Δwall × 100                (podman stats)
 * without, the host:     usage_percent = Δusage / (Δwall × onlineCpus) × 100  (docker stats on Windows)
 * system_percent and user_percent: the same with systemNs / userNs.
 */
export function cpuFields(sample: ContainerSample, previous: PreviousCpu | undefined): Fields | undefined {
  const cpu = sample.cpu;
  if (!hasCpu(cpu)) return undefined;
  const base = sample.previous ?? previous;
  if (!base || !hasCpu(base.cpu)) return undefined;

  // The docker CLI's arithmetic, in its order, so that the numbers agree to the last digit.
  let percent: (delta: number) => number;
  if (cpu.hostNs !== undefined) {
    if (base.cpu.hostNs === undefined) return undefined;
    const hostDelta = cpu.hostNs - base.cpu.hostNs;
    const cpus = cpu.onlineCpus || 1;
    if (!(hostDelta > 0)) return undefined;
    percent = (delta) => (delta / hostDelta) * cpus * 100;
  } else {
    if (!base.at) return undefined;
    const wallNs = nanosBetween(base.at, sample.at);
    // 100 % the host: the CLI floors Δread to its 100 ns unit, which the Windows times are multiples of.
    const possibleNs = cpu.percentOf === 'host' ? wallNs * (cpu.onlineCpus ?? 0) : wallNs;
    if (!(possibleNs > 0)) return undefined;
    percent = (delta) => (delta / possibleNs) * 100;
  }
  const totalDelta = cpu.usageNs - base.cpu.usageNs;
  if (totalDelta < 0) return undefined;

  const fields: Fields = { usage_percent: percent(totalDelta) };
  const share = (now: number | undefined, before: number | undefined): number | undefined =>
    now !== undefined && before !== undefined && now >= before ? percent(now - before) : undefined;
  const system = share(cpu.systemNs, base.cpu.systemNs);
  const user = share(cpu.userNs, base.cpu.userNs);
  if (system !== undefined) fields.system_percent = system;
  if (user !== undefined) fields.user_percent = user;

  const throttling = cpu.throttling;
  if (throttling?.periods !== undefined) fields.throttling_periods = int(throttling.periods);
  if (throttling?.throttledPeriods !== undefined) fields.throttled_periods = int(throttling.throttledPeriods);
  if (throttling?.throttledNs !== undefined) fields.throttled_time_ns = int(throttling.throttledNs);
  const pids = sample.pids;
  if (pids?.current !== undefined) fields.pids_current = int(pids.current);
  if (pids?.limit !== undefined) fields.pids_limit = int(pids.limit);
  return fields;
}
