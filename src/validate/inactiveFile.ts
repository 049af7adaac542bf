/**
 * The page cache `docker stats` leaves out of a container's memory usage: cgroup v1's
 * hierarchical `total_inactive_file` when present and smaller than the usage, else
 * `inactive_file` (cgroup v2, or v1 without the hierarchy). Transform subtracts it when it is
 * smaller than the usage.
 */
export function inactiveFile(
  usage: number,
  totalInactiveFile: number | undefined,
  inactiveFile: number | undefined,
): number | undefined {
  return totalInactiveFile !== undefined && totalInactiveFile < usage ? totalInactiveFile : inactiveFile;
}
