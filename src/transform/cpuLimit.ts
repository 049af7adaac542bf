import type { ContainerSample } from '../model/containerSample.js';
import type { CpuLimit, StatusRecord } from '../model/lifecycle.js';
import type { Fields } from '../model/point.js';

/**
 * The CPUs a container may use: its `--cpus` or quota, else its cpuset when that is smaller than
 * the host (`onlineCpus` of the sample), else none: no limit, and no field invented for it.
 */
export function limitCpus(limit: CpuLimit | undefined, sample: ContainerSample): number | undefined {
  if (!limit) return undefined;
  if (limit.cpus !== undefined && limit.cpus > 0) return limit.cpus;
  const host = sample.cpu?.onlineCpus;
  return limit.cpusetCpus !== undefined && host !== undefined && limit.cpusetCpus < host ? limit.cpusetCpus : undefined;
}

/**
 * `cpu` fields with CPU against the limit: `limit_cpus` and `limit_percent`, the usage as a
 * percentage of the CPUs it may use (`usage_percent` counts 100 per CPU, as `docker stats`), so a
 * busy container held to 0.5 CPU shows about 100.
 */
export function withLimit(
  fields: Fields | undefined,
  sample: ContainerSample,
  limit: CpuLimit | undefined,
): Fields | undefined {
  const cpus = limitCpus(limit, sample);
  if (!fields || cpus === undefined || typeof fields.usage_percent !== 'number') return fields;
  fields.limit_cpus = cpus;
  fields.limit_percent = fields.usage_percent / cpus;
  return fields;
}

/**
 * The CPU limits of an engine's live containers, by id, folded in place from their statuses (a
 * container that exited is dropped: its stats have ended, and churn must not grow the map).
 */
export function foldCpuLimits(limits: Map<string, CpuLimit>, { status }: StatusRecord): Map<string, CpuLimit> {
  if (status.state === 'exited' || status.state === 'dead') limits.delete(status.container.id);
  else limits.set(status.container.id, status.cpuLimit);
  return limits;
}
