import { CONTAINER_FIELDS } from '../transform/containerPoint.js';

/**
 * The numeric fields a threshold may compare, per measurement: those the transform writes (the
 * README's table of measurements, and the counters of COUNTERS). A rule naming another field is
 * a configuration error at start, not a rule that silently never fires. Booleans (`running`,
 * `oom_killed`) compare as 1 and 0; the text fields (`state`, `health_status`) have lifecycle
 * conditions instead.
 */
/** The `container` point's texts: lifecycle conditions read them, thresholds cannot. */
const CONTAINER_TEXT_FIELDS = ['state', 'health_status'];
const PRESSURE = ['pressure_some_time_ns', 'pressure_full_time_ns'];

export const ALERT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  cpu: [
    'usage_percent',
    'system_percent',
    'user_percent',
    'throttling_periods',
    'throttled_periods',
    'throttled_time_ns',
    'pids_current',
    'pids_limit',
    'limit_cpus',
    'limit_percent',
    'cfs_quota_us',
    'cfs_period_us',
    'usage_total_ns',
    'user_total_ns',
    'system_total_ns',
    ...PRESSURE,
  ],
  memory: [
    'usage_bytes',
    'limit_bytes',
    'usage_percent',
    'max_usage_bytes',
    'rss_bytes',
    'cache_bytes',
    'anon_bytes',
    'file_bytes',
    'commit_bytes',
    'commit_peak_bytes',
    'total_usage_bytes',
    'swap_bytes',
    'spec_limit_bytes',
    ...PRESSURE,
  ],
  network: ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped'],
  blockio: ['read_bytes', 'write_bytes', 'read_ops', 'write_ops', ...PRESSURE],
  container: CONTAINER_FIELDS.filter((field) => !CONTAINER_TEXT_FIELDS.includes(field)),
};

/** Fields a threshold cannot compare: texts. */
export const TEXT_FIELDS: Readonly<Record<string, readonly string[]>> = { container: CONTAINER_TEXT_FIELDS };
