import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { staleMarkers } from '../../src/encode/staleMarkers.js';
import { type Point, int } from '../../src/model/point.js';
import { STALE } from '../../src/model/sampleLine.js';

const T0 = 1_700_000_000_000; // ms
const ns = (ms: number): string => `${ms}000000`;
const tags = { container_id: 'abc', container_name: 'web' };
const cpu = (ms: number): Point => ({ measurement: 'cpu', tags, fields: { usage_percent: 1 }, timestamp: ns(ms) });
const status = (ms: number, state: string): Point => ({
  measurement: 'container',
  tags,
  fields: { state, exit_code: int(0) },
  timestamp: ns(ms),
});

/**
 * The exit's time is the engine's event time; a stats sample read just before the event came
 * may carry a later time than it. A marker at the exit's time + 1 ms is then older than the
 * series' last sample: Prometheus refuses it as out of order (a 400, the whole batch dropped) or,
 * in the same batch, sorts it before the sample, and the series stays live for 5 minutes.
 */
describe('stale markers: after the series last sample', () => {
  it("puts a container's markers after the latest sample it sent, not only after the exit", async () => {
    const out = await lastValueFrom(
      from([status(T0, 'running'), cpu(T0 + 500), status(T0 + 200, 'exited')]).pipe(staleMarkers(), toArray()),
    );
    const markers = out.filter((s) => s.samples.includes(STALE));
    expect(markers.length).toBeGreaterThan(0);
    for (const marker of markers) expect(marker.ms).toBeGreaterThan(T0 + 500);
  });
});
