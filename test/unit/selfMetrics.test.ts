import { NEVER, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { EVENT_LOOP_SAMPLE_MS, selfMetrics } from '../../src/daemon/selfMetrics.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { METRICS } from '../../src/telemetry/catalogue.js';
import { initialTelemetry } from '../../src/telemetry/telemetryState.js';
import { folded } from '../support/telemetry.js';

const value = (metrics: string, name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
// Lets due timers run (the event-loop monitor's among them); it asserts no time.
const turn = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('selfMetrics', () => {
  it(`still sees a stalled event loop while sampling it every ${EVENT_LOOP_SAMPLE_MS} ms`, async () => {
    const registry = selfMetrics(initialTelemetry, NEVER);
    await registry.metrics(); // a scrape resets the histogram; its next tick only starts timing again
    const stallMs = 5 * EVENT_LOOP_SAMPLE_MS;
    // Two stalls: the tick late after the first starts the timing, the one late after the second is measured.
    for (const _ of [1, 2]) {
      const until = performance.now() + stallMs;
      while (performance.now() < until); // the stall
      await turn();
      await turn();
    }
    expect(value(await registry.metrics(), 'dss_nodejs_eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(
      (stallMs - 2 * EVENT_LOOP_SAMPLE_MS) / 1000,
    );
  });

  it('serves every metric of the catalogue from the state, and histograms from written batches', async () => {
    const events: TelemetryEvent[] = [
      { type: 'stream-opened', engine: 'e', source: 'api', container: 'c' },
      { type: 'record-transformed', points: 3 },
      { type: 'batch-accepted', reason: 'time', points: 3 },
      { type: 'batch-written', points: 3, latencyMs: 20, at: 1 },
      { type: 'points-dropped', points: 2, reason: 'spool_full' },
    ];
    const telemetry$ = new Subject<TelemetryEvent>();
    const registry = selfMetrics(() => folded(events), telemetry$);
    for (const e of events) telemetry$.next(e);
    const text = await registry.metrics();
    for (const metric of METRICS) expect(text, metric.name).toContain(`# TYPE dss_${metric.name} ${metric.kind}`);
    expect(value(text, 'dss_points_collected_total')).toBe(3);
    // one series per reason, every reason present from the start (an alert on a rate needs the zero)
    expect(text).toContain('dss_points_dropped_total{reason="spool_full"} 2');
    expect(text).toContain('dss_points_dropped_total{reason="buffer_full"} 0');
    expect(text).toContain('dss_points_dropped_total{reason="disk_error"} 0');
    expect(text).toContain('dss_points_dropped_total{reason="corrupt"} 0');
    expect(value(text, 'dss_active_streams')).toBe(1);
    expect(text).toContain('dss_flushes_total{reason="time"} 1');
    expect(text).toContain('dss_streams{source="api"} 1');
    expect(value(text, 'dss_batch_size_points_count')).toBe(1);
    expect(value(text, 'dss_write_latency_seconds_sum')).toBe(0.02);
  });
});
