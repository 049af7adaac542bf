import type { ContainerSample } from '../model/containerSample.js';
import type { Limits, StatusRecord } from '../model/lifecycle.js';
import { type Fields, int } from '../model/point.js';

/**
 * The CPUs a container may use: its `--cpus` or quota, else its cpuset when that is smaller than
 * the host (`onlineCpus` of the sample), else none: no limit, and no field invented for it.
 */
export function limitCpus(limit: Limits | undefined, sample: ContainerSample): number | undefined {
  if (!limit) return undefined;
  if (limit.cpus !== undefined && limit.cpus > 0) return limit.cpus;
  const host = sample.cpu?.onlineCpus;
  return limit.cpusetCpus !== undefined && host !== undefined && limit.cpusetCpus < host ? limit.cpusetCpus : undefined;
}

/**
 * `cpu` fields with CPU against the limit: `limit_cpus` and `limit_percent`, the usage as a
 * percentage of the CPUs it may use (`usage_percent` counts 100 per CPU, as `docker stats`), so a
 * busy container held to 0.5 CPU shows about 100; and its CFS `cfs_quota_us` and
 * `cfs_period_us` (cAdvisor's `container_spec_cpu_quota` and `_period`), only with a quota.
 */
export function withLimit(
  fields: Fields | undefined,
  sample: ContainerSample,
  limit: Limits | undefined,
): Fields | undefined {
  if (!fields || !limit) return fields;
  if (limit.cpuQuotaUs !== undefined && limit.cpuPeriodUs !== undefined) {
    fields.cfs_quota_us = int(limit.cpuQuotaUs);
    fields.cfs_period_us = int(limit.cpuPeriodUs);
  }
  const cpus = limitCpus(limit, sample);
  if (cpus === undefined || typeof fields.usage_percent !== 'number') return fields;
  fields.limit_cpus = cpus;
  fields.limit_percent = fields.usage_percent / cpus;
  return fields;
}

/**
 * `memory` fields with `spec_limit_bytes`, the limit the container was given (`--memory`), 0
 * without one, as cAdvisor's `container_spec_memory_limit_bytes` says it; `limit_bytes` is
 * `docker stats`' (the host's memory without one). In place; none where inspect did not say.
 */
export function withMemoryLimit(fields: Fields | undefined, limit: Limits | undefined): Fields | undefined {
  if (fields && limit?.memoryBytes !== undefined) fields.spec_limit_bytes = int(limit.memoryBytes);
  return fields;
}

/**
 * The limits of an engine's live containers, by id, folded in place from their statuses (a
 * container that exited is dropped: its stats have ended, and churn must not grow the map).
 */
export function foldLimits(limits: Map<string, Limits>, { status }: StatusRecord): Map<string, Limits> {
  if (status.state === 'exited' || status.state === 'dead') limits.delete(status.container.id);
  else limits.set(status.container.id, status.limits);
  return limits;
}
