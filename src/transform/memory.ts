import type { MemorySample } from '../model/containerSample.js';
import { type Fields, int } from '../model/point.js';

/**
 * `memory` fields, the docker CLI's rule: usage_bytes = usage - inactive file cache (when it is
 * smaller than usage), else usage; no `cache` branch (Telegraf's cgroup v1 mismatch).
 * usage_percent = usage_bytes / limit × 100, 0 when limit is 0, and only with a limit. Further
 * fields only where the source reports them.
 */
export function memoryFields(memory: MemorySample | undefined): Fields | undefined {
  if (!memory) return undefined;
  const { usageBytes: usage, inactiveFileBytes: inactive, limitBytes: limit } = memory;
  const used = inactive !== undefined && inactive < usage ? usage - inactive : usage;

  const fields: Fields = { usage_bytes: int(used) };
  if (limit !== undefined) {
    fields.limit_bytes = int(limit);
    fields.usage_percent = limit === 0 ? 0 : (used / limit) * 100;
  }
  if (memory.maxUsageBytes !== undefined) fields.max_usage_bytes = int(memory.maxUsageBytes);
  if (memory.rssBytes !== undefined) fields.rss_bytes = int(memory.rssBytes);
  if (memory.cacheBytes !== undefined) fields.cache_bytes = int(memory.cacheBytes);
  if (memory.anonBytes !== undefined) fields.anon_bytes = int(memory.anonBytes);
  if (memory.fileBytes !== undefined) fields.file_bytes = int(memory.fileBytes);
  if (memory.swapBytes !== undefined) fields.swap_bytes = int(memory.swapBytes);
  if (memory.commitBytes !== undefined) fields.commit_bytes = int(memory.commitBytes);
  if (memory.commitPeakBytes !== undefined) fields.commit_peak_bytes = int(memory.commitPeakBytes);
  return fields;
}
