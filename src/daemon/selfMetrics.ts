import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Service } from '../service.js';
import type { DeliveryEvent } from '../store/writeBatches.js';

/**
 * How often the event-loop delay histogram samples (prom-client's default is 10 ms). Its timer
 * woke the daemon 100 times a second: at 100 containers the collector took 1.6 % of a core
 * with it, 1.1 % with this. A blocked loop still shows: a stall longer than this is
 * always caught, by at least its length minus this.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * The daemon's own metrics for Prometheus (prom-client): the delivery counters and service state
 * read at scrape time, histograms fed by delivery events, and the process's own (memory, CPU).
 */
export function selfMetrics(service: Service): { registry: Registry; observe(event: DeliveryEvent): void } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dss_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const { counters, state, buffer } = service;
  // Counters whose value lives in the service: set from it at each scrape.
  const counter = (name: string, help: string, read: () => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  };
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  };
  counter('dss_records_total', 'Container stats records that decoded (samples in).', () => state.records);
  counter('dss_points_collected_total', 'Points made from container stats.', () => state.pointsCollected);
  counter('dss_points_written_total', 'Points the database accepted.', () => counters.pointsWritten);
  counter('dss_points_dropped_total', 'Points dropped to make room in the full buffer.', () => counters.pointsDropped);
  counter('dss_points_rejected_total', 'Points the database refused (400/422, or too large alone).', () => counters.pointsRejected);
  counter('dss_points_retried_total', 'Points whose write was retried.', () => counters.pointsRetried);
  counter('dss_decode_errors_total', 'Stats records skipped because they did not decode.', () => state.decodeErrors);
  counter('dss_batches_written_total', 'Batches written.', () => counters.batchesWritten);
  counter('dss_batches_failed_total', 'Batches put back in the buffer after failing.', () => counters.batchesFailed);
  new Counter({
    name: 'dss_flushes_total',
    help: 'Batches emitted, by reason (size, time, manual, final).',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(counters.flushes)) this.inc({ reason }, n);
    },
  });
  gauge('dss_write_success_ratio', 'Batches written / batches attempted (1 before any).', () => {
    const tried = counters.batchesWritten + counters.batchesFailed;
    return tried === 0 ? 1 : counters.batchesWritten / tried;
  });
  gauge('dss_buffer_points', 'Points waiting in the buffer.', () => buffer.points);
  gauge('dss_buffer_bytes', 'Bytes of line protocol waiting in the buffer.', () => buffer.bytes);
  gauge('dss_active_streams', 'Container stats streams open.', () => state.activeStreams);
  const batchSize = new Histogram({ name: 'dss_batch_size_points', help: 'Points per written batch.', buckets: [1, 10, 100, 500, 1000, 2000, 5000, 10000], registers: [registry] });
  const latency = new Histogram({ name: 'dss_write_latency_seconds', help: 'Time of a successful write request.', buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
  return {
    registry,
    observe(event) {
      if (event.kind !== 'written') return;
      batchSize.observe(event.points);
      latency.observe(event.latencyMs / 1000);
    },
  };
}

/** /healthz: healthy while every engine answers and the sink writes (or is still within its retries). */
export function health(service: Service): { ok: boolean; reasons: string[] } {
  const reasons: string[] = [];
  for (const [address, engine] of service.state.engines) if (!engine.reachable) reasons.push(`engine ${address}: ${engine.reason}`);
  if (service.counters.failing !== undefined) reasons.push(`sink: ${service.counters.failing}`);
  return { ok: reasons.length === 0, reasons };
}
