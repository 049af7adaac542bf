import { type Fields, has, int } from '../model/point.js';
import type { MemoryStats } from '../model/statsRecord.js';

/**
 * `memory` fields, the docker CLI's rule: usage_bytes = usage - total_inactive_file (cgroup v1,
 * when present and smaller than usage), else usage - inactive_file (cgroup v2, when smaller),
 * else usage; no `cache` branch (Telegraf's cgroup v1 mismatch). usage_percent = usage_bytes /
 * limit × 100, 0 when limit is 0. Windows: usage_bytes = privateworkingset, no limit or percent.
 * Further fields only where the engine reports them.
 */
export function memoryFields(memory: MemoryStats | undefined, windows: boolean): Fields | undefined {
  if (!memory) return undefined;
  if (windows) {
    if (!has(memory.privateworkingset)) return undefined;
    const fields: Fields = { usage_bytes: int(memory.privateworkingset) };
    if (has(memory.commitbytes)) fields.commit_bytes = int(memory.commitbytes);
    if (has(memory.commitpeakbytes)) fields.commit_peak_bytes = int(memory.commitpeakbytes);
    return fields;
  }
  const { usage, limit, stats } = memory;
  if (!has(usage)) return undefined;
  let used = usage;
  if (has(stats?.total_inactive_file) && stats.total_inactive_file < usage) used = usage - stats.total_inactive_file;
  else if (has(stats?.inactive_file) && stats.inactive_file < usage) used = usage - stats.inactive_file;

  const fields: Fields = { usage_bytes: int(used) };
  if (has(limit)) {
    fields.limit_bytes = int(limit);
    fields.usage_percent = limit === 0 ? 0 : (used / limit) * 100;
  }
  if (has(memory.max_usage)) fields.max_usage_bytes = int(memory.max_usage);
  if (has(stats?.total_rss)) fields.rss_bytes = int(stats.total_rss);
  if (has(stats?.total_cache)) fields.cache_bytes = int(stats.total_cache);
  if (has(stats?.anon)) fields.anon_bytes = int(stats.anon);
  if (has(stats?.file)) fields.file_bytes = int(stats.file);
  return fields;
}
