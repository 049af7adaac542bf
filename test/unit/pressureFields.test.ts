import { describe, expect, it } from 'vitest';
import type { ContainerSample } from '../../src/model/containerSample.js';
import { type Point, int } from '../../src/model/point.js';
import { parseInstant } from '../../src/model/timestamp.js';
import { fieldChooser } from '../../src/transform/selectFields.js';
import { SampleMemory } from '../../src/transform/sampleMemory.js';
import { samplePoints } from '../../src/transform/toPoints.js';
import { foldPoint, rowOf } from '../../src/view/containerRow.js';
import type { RowEntry } from '../../src/view/rowEntry.js';
import { handBuilt, sampled } from '../support/handBuilt.js';

const web = { id: 'a'.repeat(64), name: 'web', image: 'local/busybox', labels: {} };
const at = (second: number) => parseInstant(`2026-12-06T03:00:0${second}Z`)!;
const PRESSURE = {
  cpu: { someNs: 60_549_000, fullNs: 50_465_000 },
  memory: { someNs: 0, fullNs: 0 },
  io: { someNs: 4000 },
};

/** A cgroup-source-like sample at `second`, its CPU counter moved on by a second of one CPU. */
const sample = (second: number, extra: Partial<ContainerSample> = {}): ContainerSample => ({
  container: web,
  at: at(second),
  cpu: { usageNs: 1e9 * (second + 1), hostNs: 2e9 * (second + 1), onlineCpus: 2, percentOf: 'cpu' },
  memory: { usageBytes: 1000, limitBytes: 4000 },
  blockio: [{ device: { major: 8, minor: 0 }, readBytes: 10, writeBytes: 20 }],
  ...extra,
});

/** The points of a container's first two samples, as transform makes them. */
function twoSamples(extra: Partial<ContainerSample>, select?: (p: Point) => Point | undefined): Point[] {
  const memory = new SampleMemory();
  const options = select ? { select } : {};
  samplePoints(sample(1, extra), memory, options);
  return samplePoints(sample(2, extra), memory, options);
}

const fieldsOf = (points: Point[], measurement: string, device?: string) =>
  points.find((p) => p.measurement === measurement && p.tags.device === device)?.fields;

describe('PSI fields', () => {
  it('cpu and memory points get pressure_some_time_ns / pressure_full_time_ns (int, ns); io a blockio point with no device', () => {
    const points = twoSamples({ pressure: PRESSURE });
    expect(fieldsOf(points, 'cpu')).toMatchObject({
      pressure_some_time_ns: int(60_549_000),
      pressure_full_time_ns: int(50_465_000),
    });
    expect(fieldsOf(points, 'memory')).toMatchObject({ pressure_some_time_ns: int(0), pressure_full_time_ns: int(0) });
    // the device's counters as before; io's pressure is the container's, on its own point
    expect(fieldsOf(points, 'blockio', '8:0')).toEqual({ read_bytes: int(10), write_bytes: int(20) });
    const io = points.filter((p) => p.measurement === 'blockio' && !('device' in p.tags));
    expect(io.map((p) => p.fields)).toEqual([{ pressure_some_time_ns: int(4000) }]);
    expect(io[0]!.tags).toEqual(points.find((p) => p.measurement === 'cpu')!.tags);
  });

  it('no pressure, no field and no extra point: the points are those of before', () => {
    const points = twoSamples({});
    expect(points.map((p) => `${p.measurement}:${p.tags.device ?? ''}`)).toEqual(['cpu:', 'memory:', 'blockio:8:0']);
    for (const p of points) expect(Object.keys(p.fields).filter((k) => k.startsWith('pressure'))).toEqual([]);
  });

  it('a resource without PSI leaves out its own fields only; a missing `full` leaves out that field', () => {
    const points = twoSamples({ pressure: { cpu: { someNs: 5000 } } });
    expect(fieldsOf(points, 'cpu')).toHaveProperty('pressure_some_time_ns', int(5000));
    expect(fieldsOf(points, 'cpu')).not.toHaveProperty('pressure_full_time_ns');
    expect(Object.keys(fieldsOf(points, 'memory')!).filter((k) => k.startsWith('pressure'))).toEqual([]);
    expect(points.filter((p) => p.measurement === 'blockio')).toHaveLength(1);
  });

  it('the Engine API’s records have none (Docker and Podman report no PSI)', () => {
    for (const file of ['stats-cgroupv1.json', 'stats-cgroupv2.json', 'stats-windows.json'] as const)
      expect(sampled(handBuilt(file), web)).not.toHaveProperty('pressure');
  });

  it('FIELDS / FIELDS_EXCLUDE choose them as any field: blockio.pressure_* alone, or none of them', () => {
    const only = twoSamples({ pressure: PRESSURE }, fieldChooser({ fields: ['*.pressure_*'] }));
    expect(only.map((p) => `${p.measurement}:${Object.keys(p.fields).join(',')}`)).toEqual([
      'cpu:pressure_some_time_ns,pressure_full_time_ns',
      'memory:pressure_some_time_ns,pressure_full_time_ns',
      'blockio:pressure_some_time_ns',
    ]);
    const none = twoSamples({ pressure: PRESSURE }, fieldChooser({ fieldsExclude: ['*.pressure_*'] }));
    expect(none.map((p) => p.measurement)).toEqual(['cpu', 'memory', 'blockio']);
  });

  it('top: the io pressure point is not a device', () => {
    const known = new Map<string, RowEntry>();
    for (const p of twoSamples({ pressure: PRESSURE })) foldPoint(known, p);
    expect([...known.values()].map(rowOf)[0]!.devices.map((d) => d.name)).toEqual(['8:0']);
  });
});
