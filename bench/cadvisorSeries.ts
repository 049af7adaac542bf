/**
 * The series cAdvisor would expose for one Docker container on cgroup v1 with its default
 * metric set (all of `container.AllMetrics` but its `-disable_metrics` default: memory_numa,
 * tcp, udp, advtcp, sched, process, hugetlb, referenced_memory, cpu_topology, resctrl, cpuset;
 * `cmd/cadvisor.go`), counted from its collector, `lib/metrics/prometheus.go` at google/cadvisor
 * 6a0c4f2 (2026-07-20). perf_event needs a build flag and a config, app a collector config:
 * none here. Every series carries the union of all containers' label keys (`id`, `image`,
 * `name`, `container_label_*`, `container_env_*`), empty where a container has no such label.
 */
export interface ContainerShape {
  /** CPUs with a non-zero per-CPU usage (`cpu="cpu00"`..): all of them for a busy container. */
  readonly cpus: number;
  /** Network interfaces (eth0). */
  readonly interfaces: number;
  /** Block devices in blkio's io_service_bytes and io_serviced (v1 fills only these two without CFQ). */
  readonly blockDevices: number;
  /** Filesystems cAdvisor reports for the container (its writable layer's: 1 with overlay2). */
  readonly filesystems: number;
  /** Whether a CPU quota is set (adds `container_spec_cpu_quota` and the five cfs counters). */
  readonly quota: boolean;
}

/** The families and their series for `shape`, by group, in the order of `prometheus.go`. */
export function cadvisorSeries(shape: ContainerShape): Record<string, number> {
  const { cpus, interfaces, blockDevices: d, filesystems: f, quota } = shape;
  const q = quota ? 1 : 0;
  return {
    // container_last_seen, container_health_state: always.
    always: 2,
    // creation and start time; spec_cpu_period, _shares (+ _quota); spec_memory limit, swap, reservation.
    spec: 7 + q,
    // cpu_user, cpu_system; cpu_usage_seconds_total per CPU (`percpu` is on by default); 5 cfs with a quota.
    cpu: 2 + cpus + 5 * q,
    // cpuLoad: load_average_10s, load_d_average_10s, tasks_state × 5 states.
    cpuLoad: 7,
    // memory: 11 plain gauges and counters, failures_total × {pgfault, pgmajfault} × {container, hierarchy},
    // events_high/max, file_dirty/writeback, pgscan, pgsteal, 2 refaults (v2 fields, emitted as 0 on v1).
    memory: 11 + 4 + 8,
    // disk: inodes_free, inodes_total, limit, usage per filesystem.
    disk: 4 * f,
    // diskIO: reads/writes bytes and counts per device (+ the counts per filesystem), 6 more per-
    // filesystem ones (sectors, merged, seconds: empty per device on v1), io_current, io_time and
    // io_time_weighted per filesystem, blkio_device_usage_total × 6 operations (Read, Write, Sync,
    // Async, Discard, Total) per device; io_cost_* are cgroup v2's.
    diskIO: 4 * d + 2 * f + 6 * f + 3 * f + 6 * d,
    // network: 8 counters per interface.
    network: 8 * interfaces,
    // oom_event: container_oom_events_total.
    oom: 1,
    // pressure: cpu, memory, io × stalled, waiting (zeros on v1).
    pressure: 6,
  };
}

/** Their sum: cAdvisor's series for one container of this shape. */
export const cadvisorSeriesCount = (shape: ContainerShape): number =>
  Object.values(cadvisorSeries(shape)).reduce((a, b) => a + b, 0);
