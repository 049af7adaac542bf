import type { ContainerRef } from './container.js';
import type { Instant } from './timestamp.js';

/** What bounds a container's CPU and memory, from its inspect (refreshed on the engine's `update` event). */
export interface Limits {
  /** CPUs it may use: `NanoCpus` / 1e9, else `CpuQuota` / `CpuPeriod`. */
  readonly cpus?: number;
  /** CPUs in its cpuset; a limit only when fewer than the host's (known from the stats record). */
  readonly cpusetCpus?: number;
  /**
   * Its CFS quota and period in µs, as the kernel has them (`cpu.cfs_quota_us`, `cpu.max`), only
   * with a quota: `CpuQuota` / `CpuPeriod` (0: 100,000), else `NanoCpus` × 100,000 / 1e9 over 100,000.
   */
  readonly cpuQuotaUs?: number;
  readonly cpuPeriodUs?: number;
  /** Its memory limit (`--memory`, `HostConfig.Memory`), 0 without one; absent where inspect did not say. */
  readonly memoryBytes?: number;
}

/** @deprecated The name of `Limits` before it had the memory limit. */
export type CpuLimit = Limits;

/** A container's healthcheck state, for containers that have one. */
export interface HealthState {
  /** starting | healthy | unhealthy */
  readonly status: string;
  readonly failingStreak: number;
}

/** One container's lifecycle, as the engine told it: what a `container` point is written from. */
export interface ContainerStatus {
  readonly container: ContainerRef;
  /** created, running, paused, restarting, exited, dead (removing while it goes). */
  readonly state: string;
  readonly restartCount: number;
  readonly startedAt?: Instant;
  readonly finishedAt?: Instant;
  /** Once it has exited. */
  readonly exitCode?: number;
  readonly oomKilled?: boolean;
  readonly health?: HealthState;
  readonly limits: Limits;
}

/** A container's status at a moment: on each lifecycle event, and once a sampling interval. */
export interface StatusRecord {
  readonly status: ContainerStatus;
  readonly at: Instant;
}

/**
 * A container that went away while it was watched: destroyed (its `destroy` event, an inspect
 * answering 404, missing from a re-listing) or no longer in the filters (renamed or relabelled
 * out). `removed` is its last status as known then (a `--rm` container's says its exit).
 */
export interface RemovalRecord {
  readonly removed: ContainerStatus;
  readonly at: Instant;
}

/** What the lifecycle tells when asked for removals too. */
export type LifecycleRecord = StatusRecord | RemovalRecord;

export const isRemoval = (record: LifecycleRecord): record is RemovalRecord => 'removed' in record;
