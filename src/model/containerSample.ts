import type { ContainerRef } from './container.js';
import type { Instant } from './timestamp.js';

/**
 * The seam between the sources and transform: one container's counters at one instant, in our
 * units (ns, bytes, counts), whatever read them. The Engine API adapter makes these from Docker's
 * and Podman's JSON (Linux and Windows); the cgroup source from the kernel's files; a containerd
 * or CRI-O source would make them too. Transform reads its rules off the sample and knows no
 * engine. A counter the source does not have is left out (undefined), never 0.
 */
export interface ContainerSample {
  readonly container: ContainerRef;
  /** When the counters were read, exact to the ns. */
  readonly at: Instant;
  readonly cpu?: CpuSample;
  /**
   * The source's own previous CPU sample (the Engine API's `precpu_stats`), the base of the CPU
   * deltas when it has one; absent when it has none that can be used (a stream's first record,
   * a one-shot poll): transform then takes its own previous sample of the container.
   */
  readonly previous?: PreviousCpu;
  readonly memory?: MemorySample;
  readonly pids?: { readonly current?: number; readonly limit?: number };
  /** Per network interface, by name; undefined when the container has no network of its own. */
  readonly networks?: readonly NetworkSample[];
  /** Per block device. */
  readonly blockio?: readonly BlockDeviceSample[];
  /**
   * Pressure stall information (PSI), per resource, where the kernel has it for the container's
   * cgroup (cgroup v2, or the unified hierarchy of a hybrid v1 host): the cgroup source reads it,
   * the Engine API has none.
   */
  readonly pressure?: PressureSamples;
}

export interface PressureSamples {
  readonly cpu?: PressureSample;
  readonly memory?: PressureSample;
  readonly io?: PressureSample;
}

/**
 * One resource's PSI totals since the cgroup was made, in ns (the kernel counts µs): the time
 * some of the cgroup's tasks were stalled on it (cAdvisor's `..._waiting_seconds_total`), and the
 * time all its non-idle tasks were at once (`..._stalled_seconds_total`), where the kernel gives
 * it (cpu.pressure has no `full` line before Linux 5.13).
 */
export interface PressureSample {
  readonly someNs: number;
  readonly fullNs?: number;
}

/** A CPU sample and when it was read: the base the next sample's CPU deltas are taken against. */
export interface PreviousCpu {
  /**
   * When it was read; a source may leave it out when the sample has `hostNs`, whose rule does not
   * use it (the Engine API adapter does not parse Linux's `preread`: half its cost per record).
   */
  readonly at?: Instant;
  readonly cpu: CpuSample;
}

export interface CpuSample {
  /** CPU time the container used, since it started. */
  readonly usageNs: number;
  readonly userNs?: number;
  readonly systemNs?: number;
  /**
   * The host's CPU time over all its CPUs since boot (Linux: /proc/stat, the Engine API's
   * `system_cpu_usage`): the base of `usage_percent` where the source has it; else the base is
   * the wall-clock time between samples.
   */
  readonly hostNs?: number;
  /** The host's CPUs online. */
  readonly onlineCpus?: number;
  /**
   * What 100 % stands for: one CPU (`docker stats` on Linux, `podman stats`), or the whole host
   * (`docker stats` on Windows, whose base is wall-clock time × `onlineCpus`).
   */
  readonly percentOf: 'cpu' | 'host';
  /** CFS bandwidth control's counters, each where the source has it. */
  readonly throttling?: {
    readonly periods?: number;
    readonly throttledPeriods?: number;
    readonly throttledNs?: number;
  };
}

export interface MemorySample {
  /**
   * What the kernel charges the container (cgroup `memory.usage_in_bytes` / `memory.current`;
   * Windows: its private working set).
   */
  readonly usageBytes: number;
  /**
   * Page cache the kernel may reclaim first: `docker stats` leaves it out of the usage when it is
   * smaller (v1 `total_inactive_file`, v2 `inactive_file`).
   */
  readonly inactiveFileBytes?: number;
  /** Its limit; a source reports no limit as the host's memory, as the engine does. */
  readonly limitBytes?: number;
  readonly maxUsageBytes?: number;
  readonly rssBytes?: number;
  readonly cacheBytes?: number;
  readonly anonBytes?: number;
  readonly fileBytes?: number;
  /**
   * Swap the container's pages take (cAdvisor's `container_memory_swap`): v1 `total_swap` of
   * memory.stat, v2 `memory.swap.current`; absent where the kernel keeps no swap accounting.
   */
  readonly swapBytes?: number;
  /** Windows' commit charge and its peak. */
  readonly commitBytes?: number;
  readonly commitPeakBytes?: number;
}

/** One interface's counters; those a source does not have (Podman's compat API: all but bytes) left out. */
export interface NetworkSample {
  readonly name: string;
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly rxPackets?: number;
  readonly txPackets?: number;
  readonly rxErrors?: number;
  readonly txErrors?: number;
  readonly rxDropped?: number;
  readonly txDropped?: number;
}

/** One block device's counters: by its numbers (named by transform's `DeviceNamer`), or by a name of its own. */
export interface BlockDeviceSample {
  readonly device: { readonly major: number; readonly minor: number } | string;
  readonly readBytes?: number;
  readonly writeBytes?: number;
  readonly readOps?: number;
  readonly writeOps?: number;
}
