import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../../src/model/records.js';
import { type Point, int } from '../../src/model/point.js';
import { toPoints } from '../../src/transform/toPoints.js';
import { decodeStats } from '../../src/validate/decodeStats.js';
import { fixtureLines } from '../support/fixtures.js';
import { handBuilt } from '../support/handBuilt.js';

const busyBox = {
  id: 'a27ed7b787c962c5d9f47c6719b69db47194f39d6170ba214fef27d1a1c5dbd0',
  name: 'web-1',
  image: 'local/busybox',
  labels: {},
};

async function replay(lines: string[], container = busyBox): Promise<Point[]> {
  const source: RawRecord[] = lines.map((line) => ({ container, line }));
  return lastValueFrom(from(source).pipe(decodeStats(), toPoints(), toArray()));
}

const byMeasurement = (points: Point[], m: string) => points.filter((p) => p.measurement === m);

describe('replaying the real Engine 20.10 cgroup v1 captures', () => {
  it('busy stream: no cpu point for the first record (empty precpu), then about one full CPU', async () => {
    const points = await replay(fixtureLines('stream-busy-cgroupv1.ndjson'));
    const cpu = byMeasurement(points, 'cpu');
    expect(cpu.map((p) => p.timestamp)).toEqual(['1795522783163314862', '1795522784166637290', '1795522785169251242']);
    expect(cpu[0]?.fields.usage_percent).toBe(
      ((253056381571 - 252054084386) / (12583170000000 - 12581170000000)) * 2 * 100,
    );
    for (const p of cpu) expect(p.fields.usage_percent).toBeGreaterThan(95);
    expect(cpu[0]?.tags).toEqual({ image: busyBox.image, container_id: busyBox.id, container_name: 'web-1' });

    const memory = byMeasurement(points, 'memory');
    expect(memory.map((p) => p.fields.usage_bytes)).toEqual([int(1040384), int(884736), int(995328), int(839680)]);
    expect(memory[0]?.fields.limit_bytes).toEqual(int(25276510208));
    expect(memory[0]?.fields.usage_percent).toBe((1040384 / 25276510208) * 100);

    const network = byMeasurement(points, 'network');
    expect(network).toHaveLength(4);
    expect(network[0]?.tags.interface).toBe('eth0');
    expect(network[0]?.fields.rx_bytes).toEqual(int(1462));
    expect(byMeasurement(points, 'blockio')).toEqual([]); // no blkio accounting on this kernel
    expect(memory[0]?.timestamp).toBe('1795522782160866623');
  });

  it('idle stream: cpu 0 %, never negative', async () => {
    const cpu = byMeasurement(await replay(fixtureLines('stream-idle-cgroupv1.ndjson')), 'cpu');
    expect(cpu.map((p) => p.fields.usage_percent)).toEqual([0, 0]);
  });

  it('stream left open across a stop: the zeroed records yield no points at all', async () => {
    const lines = fixtureLines('stream-until-stop.ndjson');
    const points = await replay(lines);
    const reads = new Set(points.map((p) => p.timestamp));
    expect(reads).toEqual(new Set(['1795522790189907126', '1795522791192827359']));
    expect(await replay(fixtureLines('stream-stopped-container.ndjson'))).toEqual([]);
  });

  it('one-shot polling: the cpu base is the collector’s own previous record of the container', async () => {
    // The busy capture as a poller would see it: no precpu in any record.
    const polled = fixtureLines('stream-busy-cgroupv1.ndjson').map((line) => {
      const record = JSON.parse(line);
      record.precpu_stats = { cpu_usage: { total_usage: 0 } };
      record.preread = '0001-01-01T00:00:00Z';
      return JSON.stringify(record);
    });
    const streamed = byMeasurement(await replay(fixtureLines('stream-busy-cgroupv1.ndjson')), 'cpu');
    const pollCpu = byMeasurement(await replay(polled), 'cpu');
    expect(pollCpu.map((p) => p.fields)).toEqual(streamed.map((p) => p.fields));
    const oneShot = await replay(fixtureLines('oneshot-cgroupv1.json'));
    expect(oneShot.map((p) => p.measurement)).toEqual(['memory', 'network']);
  });

  it('keeps each container’s previous sample apart', async () => {
    const [a1, a2] = fixtureLines('stream-busy-cgroupv1.ndjson').map((l) => {
      const r = JSON.parse(l);
      r.precpu_stats = {};
      return JSON.stringify(r);
    });
    const other = { ...busyBox, id: 'b'.repeat(64), name: 'other' };
    const source: RawRecord[] = [
      { container: busyBox, line: a1! },
      { container: other, line: a2! },
      { container: busyBox, line: a2! },
    ];
    const points = await lastValueFrom(from(source).pipe(decodeStats(), toPoints(), toArray()));
    expect(byMeasurement(points, 'cpu').map((p) => p.tags.container_name)).toEqual(['web-1']);
  });

  it('hand-built v1, v2 and Windows records give every measurement, tagged and stamped', async () => {
    for (const name of ['stats-cgroupv1.json', 'stats-cgroupv2.json', 'stats-windows.json'] as const) {
      const raw = handBuilt(name);
      const points = await replay([JSON.stringify(raw)], {
        id: raw.id,
        name: raw.name.slice(1),
        image: 'x',
        labels: {},
      });
      expect(new Set(points.map((p) => p.measurement)), name).toEqual(new Set(['cpu', 'memory', 'network', 'blockio']));
      for (const p of points) expect(p.tags.container_name).toBe(raw.name.slice(1));
    }
  });
});
