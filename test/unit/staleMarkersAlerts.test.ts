import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { staleMarkers } from '../../src/encode/staleMarkers.js';
import type { AlertNotice } from '../../src/model/alert.js';
import type { ContainerRef } from '../../src/model/container.js';
import { type Point, int } from '../../src/model/point.js';
import { STALE } from '../../src/model/sampleLine.js';
import { alertPoints } from '../../src/transform/alertPoint.js';
import { containerTagger } from '../../src/transform/containerTags.js';

// The `alert` measurement carries the container's tags (container_id among them), so
// staleMarkers took its series for the container's own: the default rule `exited` (and
// `oom_killed`) fires on the exit, and its alert series was staled 1 ms after it fired, or, told
// after the exit's point, held back as a late point; its repeats during `keep_firing_for` and its
// resolution were held back too. Through remote write the alert of an exit was never seen by an
// instant query, and its `firing` never went to 0, where the line protocol writes every point.

const T0 = 1_700_000_000_000; // ms
const ns = (ms: number): string => `${ms}000000`;
const container: ContainerRef = { id: 'abc', name: 'web', image: 'busybox', labels: {} };
const tags = containerTagger()(container);
const cpu = (ms: number): Point => ({ measurement: 'cpu', tags, fields: { usage_percent: 1 }, timestamp: ns(ms) });
const status = (ms: number, state: string): Point => ({
  measurement: 'container',
  tags,
  fields: { state, running: state === 'running', exit_code: int(1) },
  timestamp: ns(ms),
});

/** The `alert` points of `exited`'s notices, as alertPoints makes them (told at `at`). */
const alert = async (notice: Partial<AlertNotice>, at: number): Promise<Point> => {
  const full: AlertNotice = {
    rule: 'exited',
    status: 'firing',
    severity: 'warning',
    container,
    summary: 'web exited with code 1',
    value: 1,
    startsAt: T0 + 200,
    ...notice,
  };
  return lastValueFrom(
    from([full]).pipe(
      alertPoints(
        () => tags,
        () => at,
      ),
    ),
  );
};

/** The `alert_firing` samples sent, in order: their ms and value (STALE for a marker). */
const firing = async (points: Point[]): Promise<Array<[number, number | string]>> => {
  const out = await lastValueFrom(from(points).pipe(staleMarkers(), toArray()));
  return out.flatMap((s) =>
    s.names.flatMap((name, i) => (name === 'alert_firing' ? [[s.ms, s.values[i]!] as [number, number | string]] : [])),
  );
};

describe("stale markers: an exit's alert is not the container's series", () => {
  it('sends the alert told before the exit point, its repeat and its resolution, with no marker', async () => {
    // The daemon tells the lifecycle's status to the rules before it becomes the `container` point.
    const points = [
      status(T0, 'running'),
      cpu(T0 + 100),
      await alert({}, T0 + 300),
      status(T0 + 200, 'exited'),
      await alert({}, T0 + 300 + 240_000), // told again at its repeat interval
      await alert({ status: 'resolved', endsAt: T0 + 300 + 300_000 }, T0 + 300 + 300_000),
    ];
    expect(await firing(points)).toEqual([
      [T0 + 300, 1],
      [T0 + 300 + 240_000, 1],
      [T0 + 300 + 300_000, 0],
    ]);
  });

  it('sends the alert told after the exit point', async () => {
    const points = [status(T0, 'running'), cpu(T0 + 100), status(T0 + 200, 'exited'), await alert({}, T0 + 300)];
    expect(await firing(points)).toEqual([[T0 + 300, 1]]);
  });

  // Prometheus refuses a sample at the time of one it has with another value (a 400: the whole
  // request dropped): an alert fired again in the ms it resolved in sends nothing at that ms.
  it('sends no sample of a resolved alert at or before its resolution', async () => {
    const points = [
      await alert({}, T0 + 300),
      await alert({ status: 'resolved', endsAt: T0 + 400 }, T0 + 400),
      await alert({ startsAt: T0 + 400 }, T0 + 400),
      await alert({ startsAt: T0 + 400 }, T0 + 500),
    ];
    expect(await firing(points)).toEqual([
      [T0 + 300, 1],
      [T0 + 400, 0],
      [T0 + 500, 1],
    ]);
  });

  it("still stales the container's own series", async () => {
    const out = await lastValueFrom(
      from([status(T0, 'running'), cpu(T0 + 100), await alert({}, T0 + 300), status(T0 + 200, 'exited')]).pipe(
        staleMarkers(),
        toArray(),
      ),
    );
    const staled = out.flatMap((s) => s.names.filter((_, i) => s.values[i] === STALE));
    expect(staled).toContain('cpu_usage_percent');
    expect(staled).toContain('container_running');
  });
});
