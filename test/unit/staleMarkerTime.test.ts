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
    const markers = out.filter((s) => s.values.includes(STALE));
    expect(markers.length).toBeGreaterThan(0);
    for (const marker of markers) expect(marker.ms).toBeGreaterThan(T0 + 500);
  });
});

/**
 * A die and a start (a restart) sent before an interval but read after it: the lifecycle tells
 * each again 1 ms after the last status told (the die at T+1, the start at T+2), and the die's
 * markers go at T+2 too. Prometheus refuses a sample at a marker's time with another value
 * (ErrDuplicateSampleForTimestamp: a 400, the whole request dropped).
 */
describe('stale markers: a container back after its markers', () => {
  it('sends no sample of a series at or before its marker', async () => {
    const T = T0 + 1000;
    const points = [
      status(T, 'running'), // the interval
      status(T + 1, 'exited'), // the die, told again after it
      status(T - 50, 'exited'), // and at its own time
      status(T + 2, 'running'), // the start, told again after the die's
      status(T - 20, 'running'),
      cpu(T + 2),
      cpu(T + 300),
    ];
    const out = await lastValueFrom(from(points).pipe(staleMarkers(), toArray()));
    const last = new Map<string, number>();
    for (const s of out)
      for (const name of s.names) {
        const key = `${s.labels.join(',')}|${name}`;
        expect(s.ms, key).toBeGreaterThan(last.get(key) ?? -Infinity);
        last.set(key, s.ms);
      }
    expect(out.some((s) => s.ms === T + 300)).toBe(true); // the restarted container's stats go on
  });
});

/**
 * An `internal` point (the collector's own) has no container: nothing guarded its order. A wall
 * clock stepped back (NTP) made its next sample earlier than the one sent, and Prometheus
 * refuses a request with a sample out of order whole (a 400: every container's samples in it lost).
 */
describe('stale markers: the points of no container', () => {
  const internal = (ms: number, written: number): Point => ({
    measurement: 'internal',
    tags: { host: 'h1' },
    fields: { points_written: int(written) },
    timestamp: ns(ms),
  });

  it('sends none at or before the last sent of its series: a clock stepped back waits for its time', async () => {
    const out = await lastValueFrom(
      from([
        internal(T0, 1),
        internal(T0 + 1000, 2),
        internal(T0 - 3000, 3),
        internal(T0 + 1000, 4),
        internal(T0 + 2000, 5),
      ]).pipe(staleMarkers(), toArray()),
    );
    expect(out.map((s) => [s.ms, s.values[0]])).toEqual([
      [T0, 1],
      [T0 + 1000, 2],
      [T0 + 2000, 5],
    ]);
  });
});
