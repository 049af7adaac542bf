import type { FieldValue, Fields } from '../../model/point.js';
import type { ContainerLatest } from './latestSeries.js';

/** One metric family: its name, type and help, and where each container's value is. */
export interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  /** The fields it reads: one series per container (`value`), or per interface or device (`each`). */
  readonly value?: (c: ContainerLatest) => number | undefined;
  readonly each?: { readonly label: string; readonly of: (c: ContainerLatest) => Map<string, Fields> };
  readonly field?: (fields: Fields) => number | undefined;
  /** Extra labels after the container's, as text (`cpu="total"`). */
  readonly extra?: string;
}

const num = (value: FieldValue | undefined): number | undefined =>
  value === undefined || typeof value === 'string' || typeof value === 'boolean' ? undefined : Number(value);
const seconds = (value: FieldValue | undefined): number | undefined => {
  const n = num(value);
  return n === undefined ? undefined : n / 1e9;
};
const from =
  (part: 'cpu' | 'memory' | 'io' | 'status', field: string, as = num) =>
  (c: ContainerLatest): number | undefined =>
    c[part] === undefined ? undefined : as(c[part]![field]);
/** The first of two fields the container has: cgroup v1's name, else v2's. */
const either =
  (part: 'memory', a: string, b: string) =>
  (c: ContainerLatest): number | undefined => {
    const fields = c[part];
    return fields === undefined ? undefined : (num(fields[a]) ?? num(fields[b]));
  };

const counter = (name: string, help: string, value: Family['value'], extra?: string): Family => ({
  name,
  type: 'counter',
  help,
  value,
  ...(extra ? { extra } : {}),
});
const gauge = (name: string, help: string, value: Family['value']): Family => ({ name, type: 'gauge', help, value });
const perInterface = (name: string, help: string, field: string): Family => ({
  name,
  type: 'counter',
  help,
  each: { label: 'interface', of: (c) => c.networks },
  field: (f) => num(f[field]),
});
const perDevice = (name: string, help: string, field: string): Family => ({
  name,
  type: 'counter',
  help,
  each: { label: 'device', of: (c) => c.devices },
  field: (f) => num(f[field]),
});

const PRESSURE: Family[] = (['cpu', 'memory', 'io'] as const).flatMap((resource) => {
  const part = resource === 'io' ? 'io' : resource;
  const what = resource === 'io' ? 'IO' : resource === 'cpu' ? 'CPU' : 'memory';
  return [
    counter(
      `container_pressure_${resource}_stalled_seconds_total`,
      `Total time duration no tasks in the container could make progress due to ${what} congestion.`,
      from(part, 'pressure_full_time_ns', seconds),
    ),
    counter(
      `container_pressure_${resource}_waiting_seconds_total`,
      `Total time duration tasks in the container have waited due to ${what} congestion.`,
      from(part, 'pressure_some_time_ns', seconds),
    ),
  ];
});

/** Health as a number: what an alert compares. */
const HEALTH: Readonly<Record<string, number>> = { starting: 0, healthy: 1, unhealthy: 2 };
const STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

/**
 * cAdvisor's families, with its names, types, units and help texts (google/cadvisor
 * lib/metrics/prometheus.go), then our own (`dss_container_*`) for what cAdvisor has not: the
 * lifecycle and the CPU limit. Counters are the raw cumulative values, seconds = ns / 1e9.
 */
export const FAMILIES: readonly Family[] = [
  counter(
    'container_cpu_usage_seconds_total',
    'Cumulative cpu time consumed in seconds.',
    from('cpu', 'usage_total_ns', seconds),
    'cpu="total"',
  ),
  counter(
    'container_cpu_user_seconds_total',
    'Cumulative user cpu time consumed in seconds.',
    from('cpu', 'user_total_ns', seconds),
  ),
  counter(
    'container_cpu_system_seconds_total',
    'Cumulative system cpu time consumed in seconds.',
    from('cpu', 'system_total_ns', seconds),
  ),
  counter(
    'container_cpu_cfs_periods_total',
    'Number of elapsed enforcement period intervals.',
    from('cpu', 'throttling_periods'),
  ),
  counter(
    'container_cpu_cfs_throttled_periods_total',
    'Number of throttled period intervals.',
    from('cpu', 'throttled_periods'),
  ),
  counter(
    'container_cpu_cfs_throttled_seconds_total',
    'Total time duration the container has been throttled.',
    from('cpu', 'throttled_time_ns', seconds),
  ),
  gauge(
    'container_memory_usage_bytes',
    'Current memory usage in bytes, including all memory regardless of when it was accessed',
    from('memory', 'total_usage_bytes'),
  ),
  gauge('container_memory_working_set_bytes', 'Current working set in bytes.', from('memory', 'usage_bytes')),
  gauge('container_memory_rss', 'Size of RSS in bytes.', either('memory', 'rss_bytes', 'anon_bytes')),
  gauge(
    'container_memory_cache',
    'Number of bytes of page cache memory.',
    either('memory', 'cache_bytes', 'file_bytes'),
  ),
  gauge('container_memory_swap', 'Container swap usage in bytes.', from('memory', 'swap_bytes')),
  // cAdvisor's spec: 0 without a limit (not docker stats' host memory), from the inspect.
  gauge('container_spec_memory_limit_bytes', 'Memory limit for the container.', from('memory', 'spec_limit_bytes')),
  // Only with a quota: cAdvisor leaves the quota out without one (its period it serves anyway).
  gauge('container_spec_cpu_quota', 'CPU quota of the container.', from('cpu', 'cfs_quota_us')),
  gauge('container_spec_cpu_period', 'CPU period of the container.', from('cpu', 'cfs_period_us')),
  perInterface('container_network_receive_bytes_total', 'Cumulative count of bytes received', 'rx_bytes'),
  perInterface(
    'container_network_receive_errors_total',
    'Cumulative count of errors encountered while receiving',
    'rx_errors',
  ),
  perInterface(
    'container_network_receive_packets_dropped_total',
    'Cumulative count of packets dropped while receiving',
    'rx_dropped',
  ),
  perInterface('container_network_receive_packets_total', 'Cumulative count of packets received', 'rx_packets'),
  perInterface('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', 'tx_bytes'),
  perInterface(
    'container_network_transmit_errors_total',
    'Cumulative count of errors encountered while transmitting',
    'tx_errors',
  ),
  perInterface(
    'container_network_transmit_packets_dropped_total',
    'Cumulative count of packets dropped while transmitting',
    'tx_dropped',
  ),
  perInterface('container_network_transmit_packets_total', 'Cumulative count of packets transmitted', 'tx_packets'),
  perDevice('container_fs_reads_bytes_total', 'Cumulative count of bytes read', 'read_bytes'),
  perDevice('container_fs_reads_total', 'Cumulative count of reads completed', 'read_ops'),
  perDevice('container_fs_writes_bytes_total', 'Cumulative count of bytes written', 'write_bytes'),
  perDevice('container_fs_writes_total', 'Cumulative count of writes completed', 'write_ops'),
  gauge('container_processes', 'Number of processes running inside the container.', from('cpu', 'pids_current')),
  gauge('container_last_seen', 'Last time a container was seen by the exporter', (c) => c.lastSeen),
  gauge(
    'container_start_time_seconds',
    'Start time of the container since unix epoch in seconds.',
    from('status', 'started_at', seconds),
  ),
  counter('container_oom_events_total', 'Count of out of memory events observed for the container', (c) =>
    c.status === undefined ? undefined : c.oomEvents,
  ),
  ...PRESSURE,
  gauge(
    'dss_container_cpu_limit_cpus',
    'CPUs the container may use: --cpus, else its CFS quota / period, else its cpuset when smaller than the host.',
    from('cpu', 'limit_cpus'),
  ),
  gauge(
    'dss_container_cpu_limit_ratio',
    'CPU used over the last sample as a share of the CPU limit (1 = all of it).',
    (c) => {
      const percent = from('cpu', 'limit_percent')(c);
      return percent === undefined ? undefined : percent / 100;
    },
  ),
  gauge(
    'dss_container_state',
    `The container's lifecycle state, as a number: ${STATES.map((s, i) => `${i} ${s}`).join(', ')}.`,
    (c) => {
      const state = c.status?.state;
      return typeof state === 'string' && STATES.includes(state) ? STATES.indexOf(state) : undefined;
    },
  ),
  gauge('dss_container_running', '1 while the container runs, else 0.', (c) =>
    c.status === undefined ? undefined : c.status.running === true ? 1 : 0,
  ),
  gauge('dss_container_exit_code', 'Exit code of the container, once it has exited.', from('status', 'exit_code')),
  counter(
    'dss_container_restarts_total',
    'Times the engine restarted the container (its RestartCount).',
    from('status', 'restart_count'),
  ),
  gauge(
    'dss_container_uptime_seconds',
    'Seconds since the container started, while it runs.',
    from('status', 'uptime_seconds'),
  ),
  gauge(
    'dss_container_health',
    "The healthcheck's status: 0 starting, 1 healthy, 2 unhealthy (no healthcheck: no series).",
    (c) => {
      const health = c.status?.health_status;
      return typeof health === 'string' ? HEALTH[health] : undefined;
    },
  ),
  gauge(
    'dss_container_health_failing_streak',
    'Consecutive failed healthchecks.',
    from('status', 'health_failing_streak'),
  ),
];
