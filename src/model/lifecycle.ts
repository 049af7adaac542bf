import type { ContainerRef } from './container.js';
import type { Instant } from './timestamp.js';

/** What bounds a container's CPU, from its inspect (refreshed on the engine's `update` event). */
export interface CpuLimit {
  /** CPUs it may use: `NanoCpus` / 1e9, else `CpuQuota` / `CpuPeriod`. */
  readonly cpus?: number;
  /** CPUs in its cpuset; a limit only when fewer than the host's (known from the stats record). */
  readonly cpusetCpus?: number;
}

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
  readonly cpuLimit: CpuLimit;
}

/** A container's status at a moment: on each lifecycle event, and once a sampling interval. */
export interface StatusRecord {
  readonly status: ContainerStatus;
  readonly at: Instant;
}
