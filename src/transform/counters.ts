import type { CpuSample, MemorySample } from '../model/containerSample.js';
import { type Fields, int } from '../model/point.js';

/**
 * The cumulative counters behind the percentages, for readers that take their own rates
 * (Prometheus: `rate(container_cpu_usage_seconds_total[1m])`): `usage_total_ns`,
 * `user_total_ns`, `system_total_ns` (CPU time since the container started), added to the
 * `cpu` fields in place where the source has them. Only with EXPOSE_CONTAINER_METRICS: the
 * line protocol's schema stays as it was otherwise.
 */
export function addCpuCounters(fields: Fields, cpu: CpuSample | undefined): Fields {
  if (!cpu) return fields;
  fields.usage_total_ns = int(cpu.usageNs);
  if (cpu.userNs !== undefined) fields.user_total_ns = int(cpu.userNs);
  if (cpu.systemNs !== undefined) fields.system_total_ns = int(cpu.systemNs);
  return fields;
}

/**
 * `total_usage_bytes`: what the kernel charges the container, page cache included (cAdvisor's
 * `container_memory_usage_bytes`); `usage_bytes` is the working set (`docker stats`). In place.
 */
export function addMemoryCounters(fields: Fields, memory: MemorySample | undefined): Fields {
  if (memory) fields.total_usage_bytes = int(memory.usageBytes);
  return fields;
}
