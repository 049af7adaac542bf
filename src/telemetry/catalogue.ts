import { type Fields, int } from '../model/point.js';
import { type DeliveryCounters, type TelemetryState, activeStreams } from './telemetryState.js';

/** A number the pipeline exposes: on /metrics as `dss_<name>`, and in the `internal` measurement. */
export interface MetricSpec {
  /** Prometheus name without the `dss_` prefix; counters end in `_total`. */
  readonly name: string;
  readonly help: string;
  readonly kind: 'counter' | 'gauge';
  /** The value, or one value per label value (e.g. flushes by reason). */
  readonly read: (s: TelemetryState) => number | Readonly<Record<string, number>>;
  /** The label the values of a per-label metric go under. */
  readonly label?: string;
  /** A ratio, written as a float; every other metric counts something and is written as an integer. */
  readonly ratio?: true;
  /** A per-label metric whose sum is also a field of the `internal` measurement (`points_dropped`). */
  readonly total?: true;
  /** A delivery metric: the value of one sink, served with a `sink` label when the sinks are named. */
  readonly perSink?: (s: DeliveryCounters) => number | Readonly<Record<string, number>>;
}

/** A delivery metric: read from the totals, and from each sink's counters. */
const delivery = (
  spec: Omit<MetricSpec, 'read' | 'perSink'> & {
    read: (s: DeliveryCounters) => number | Readonly<Record<string, number>>;
  },
): MetricSpec => ({ ...spec, perSink: spec.read });

/** The one list of the pipeline's metrics: /metrics and the `internal` measurement both come from it. */
export const METRICS: readonly MetricSpec[] = [
  {
    name: 'records_total',
    kind: 'counter',
    help: 'Container stats records that decoded (samples in).',
    read: (s) => s.records,
  },
  {
    name: 'points_collected_total',
    kind: 'counter',
    help: 'Points made (container stats and lifecycle, the internal measurement), and points a previous run spooled.',
    read: (s) => s.pointsCollected,
  },
  delivery({
    name: 'points_written_total',
    kind: 'counter',
    help: 'Points the database accepted.',
    read: (s) => s.pointsWritten,
  }),
  delivery({
    name: 'points_replayed_total',
    kind: 'counter',
    help: 'Points a previous run left in the disk spool, sent by this one (included in points_collected_total).',
    read: (s) => s.pointsReplayed,
  }),
  delivery({
    name: 'spool_corrupt_records_total',
    kind: 'counter',
    help: 'Damaged spool records skipped at start-up or when read back.',
    read: (s) => s.spoolCorrupt,
  }),
  delivery({
    name: 'points_dropped_total',
    kind: 'counter',
    help: 'Points dropped, by reason: buffer_full (MAX_BUFFER_SIZE), spool_full (MAX_SPOOL_SIZE), disk_error (the disk refused the spool and memory was full), corrupt (a spool record damaged on disk).',
    label: 'reason',
    read: (s) => s.droppedBy,
    total: true,
  }),
  delivery({
    name: 'points_rejected_total',
    kind: 'counter',
    help: 'Points the database refused (400/422, or too large alone).',
    read: (s) => s.pointsRejected,
  }),
  delivery({
    name: 'points_retried_total',
    kind: 'counter',
    help: 'Points whose write was retried.',
    read: (s) => s.pointsRetried,
  }),
  delivery({
    name: 'spool_disk_faults',
    kind: 'gauge',
    help: 'Spool operations (append, sync) the disk refuses now (0 when the spool writes): chunks wait in memory meanwhile.',
    read: (s) => s.spoolFaults.size,
  }),
  {
    name: 'decode_errors_total',
    kind: 'counter',
    help: 'Stats records skipped because they did not decode.',
    read: (s) => s.decodeErrors,
  },
  delivery({ name: 'batches_written_total', kind: 'counter', help: 'Batches written.', read: (s) => s.batchesWritten }),
  delivery({
    name: 'batches_failed_total',
    kind: 'counter',
    help: 'Batches put back in the buffer after failing.',
    read: (s) => s.batchesFailed,
  }),
  {
    name: 'flushes_total',
    kind: 'counter',
    help: 'Batches emitted, by reason (size, time, manual, final).',
    label: 'reason',
    read: (s) => s.flushes,
  },
  delivery({
    name: 'write_success_ratio',
    kind: 'gauge',
    help: 'Batches written / batches attempted (1 before any).',
    read: successRatio,
    ratio: true,
  }),
  delivery({
    name: 'buffer_points',
    kind: 'gauge',
    help: 'Points waiting in the buffer.',
    read: (s) => s.bufferPoints,
  }),
  delivery({
    name: 'buffer_bytes',
    kind: 'gauge',
    help: 'Bytes of line protocol waiting in the buffer.',
    read: (s) => s.bufferBytes,
  }),
  { name: 'active_streams', kind: 'gauge', help: 'Container stats streams open.', read: activeStreams },
  {
    name: 'streams',
    kind: 'gauge',
    help: 'Container stats streams open, by source (api, cgroup).',
    label: 'source',
    read: (s) => s.streams,
  },
];

function successRatio(s: DeliveryCounters): number {
  const tried = s.batchesWritten + s.batchesFailed;
  return tried === 0 ? 1 : s.batchesWritten / tried;
}

/**
 * The catalogue's values as flat fields, for the `internal` measurement: `points_written`,
 * `flushes_time`, `streams_api`, ... (a counter's `_total` left out).
 */
export function metricFields(s: TelemetryState): Fields {
  const fields: Fields = {};
  for (const metric of METRICS) {
    const base = metric.name.replace(/_total$/, '');
    const value = metric.read(s);
    const field = (n: number) => (metric.ratio ? n : int(n));
    if (typeof value === 'number') fields[base] = field(value);
    else {
      for (const [label, n] of Object.entries(value)) fields[`${base}_${label}`] = field(n);
      if (metric.total) fields[base] = field(Object.values(value).reduce((a, b) => a + b, 0));
    }
  }
  return fields;
}
