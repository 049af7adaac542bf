import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Observable } from 'rxjs';
import type { TelemetryEvent } from '../model/telemetry.js';
import { METRICS, type MetricSpec } from '../telemetry/catalogue.js';
import { type TelemetryState, health } from '../telemetry/telemetryState.js';

/**
 * How often the event-loop delay histogram samples (prom-client's default is 10 ms, a timer that
 * woke the daemon 100 times a second: docs/benchmarks.md, section 2). A stall longer than this
 * is still caught, by at least its length minus this.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

type Put = (labels: Record<string, string>, n: number) => void;

/**
 * A catalogue metric as a prom-client collector that reads the latest state at each scrape. A
 * delivery metric has one series per sink (`sink` label) once the events name their sinks.
 */
function register(metric: MetricSpec, registry: Registry, state: () => TelemetryState): void {
  const name = `dss_${metric.name}`;
  const labelNames = [...(metric.label ? [metric.label] : []), ...(metric.perSink ? ['sink'] : [])];
  const put = (value: number | Readonly<Record<string, number>>, to: Put, sink: Record<string, string>): void => {
    if (typeof value === 'number') to(sink, value);
    else for (const [label, n] of Object.entries(value)) to({ [metric.label!]: label, ...sink }, n);
  };
  const set = (s: TelemetryState, to: Put): void => {
    if (!metric.perSink || s.sinks.size === 0) return put(metric.read(s), to, {});
    for (const [sink, counters] of s.sinks) put(metric.perSink(counters), to, { sink });
  };
  if (metric.kind === 'counter') {
    new Counter({
      name,
      help: metric.help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        set(state(), (labels, n) => this.inc(labels, n));
      },
    });
  } else {
    new Gauge({
      name,
      help: metric.help,
      labelNames,
      registers: [registry],
      collect() {
        // Reset as the counters are: a series of an earlier scrape (unlabeled, before the sinks
        // were named; a label value since gone) would stay, stale, beside the new ones.
        this.reset();
        set(state(), (labels, n) => this.set(labels, n));
      },
    });
  }
}

/** Readiness as numbers (what /readyz answers), for alerts that read /metrics rather than probe. */
function registerReadiness(registry: Registry, state: () => TelemetryState): void {
  const gauge = (name: string, help: string, read: (s: TelemetryState) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(state()));
      },
    });
  };
  gauge('dss_ready', '1 while /readyz answers 200: every engine answers and the sink writes.', (s) =>
    health(s).ok ? 1 : 0,
  );
  new Gauge({
    name: 'dss_sink_failing',
    help: '1 while writes to the database fail (past their retries) or are rejected, until one is written; by sink.',
    labelNames: ['sink'],
    registers: [registry],
    collect() {
      const s = state();
      this.reset();
      if (s.sinks.size === 0) this.set(s.failing === undefined ? 0 : 1);
      for (const [sink, c] of s.sinks) this.set({ sink }, c.failing === undefined ? 0 : 1);
    },
  });
  gauge(
    'dss_engines_unreachable',
    'Engines whose last event said they do not answer.',
    (s) => [...s.engines.values()].filter((e) => !e.reachable).length,
  );
}

/**
 * The daemon's own metrics for Prometheus (prom-client): the catalogue's metrics read from the
 * service's state at each scrape, readiness, histograms of batch sizes and write latencies fed by its
 * telemetry, and the process's own (memory, CPU, event loop).
 */
export function selfMetrics(
  state: () => TelemetryState,
  telemetry$: Observable<TelemetryEvent>,
  bufferCapacityBytes?: number,
): Registry {
  const registry = new Registry();
  if (bufferCapacityBytes !== undefined) {
    // The bound of dss_buffer_bytes, so that a reader (top --daemon, a dashboard) can show how full it is.
    const capacity = new Gauge({
      name: 'dss_buffer_capacity_bytes',
      help: 'The buffer bound (MAX_BUFFER_SIZE; with SPOOL_DIR, MAX_SPOOL_SIZE).',
      registers: [registry],
    });
    capacity.set(bufferCapacityBytes);
  }
  collectDefaultMetrics({ register: registry, prefix: 'dss_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  for (const metric of METRICS) register(metric, registry, state);
  registerReadiness(registry, state);
  const batchSize = new Histogram({
    name: 'dss_batch_size_points',
    help: 'Points per written batch.',
    buckets: [1, 10, 100, 500, 1000, 2000, 5000, 10000],
    labelNames: ['sink'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'dss_write_latency_seconds',
    help: 'Time of a successful write request.',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    labelNames: ['sink'],
    registers: [registry],
  });
  telemetry$.subscribe((event) => {
    if (event.type !== 'batch-written') return;
    const labels = event.sink === undefined ? {} : { sink: event.sink };
    batchSize.observe(labels, event.points);
    latency.observe(labels, event.latencyMs / 1000);
  });
  return registry;
}
