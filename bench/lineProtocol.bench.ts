import { Point as ClientPoint } from '@influxdata/influxdb-client';
import { from, lastValueFrom, toArray } from 'rxjs';
import { toLineProtocol } from '../src/encode/toLineProtocol.js';
import { Int, type Point } from '../src/model/point.js';
import { toPoints } from '../src/transform/toPoints.js';
import { decodeStats } from '../src/validate/decodeStats.js';
import { fixtureLines } from '../test/support/fixtures.js';
import { fmt, microsPerCall } from './measure.js';

/** The client's Point for one of ours: what a naive path would build for every point. */
export function clientLine(p: Point): string | undefined {
  const point = new ClientPoint(p.measurement);
  for (const [k, v] of Object.entries(p.tags)) point.tag(k, v);
  for (const [k, v] of Object.entries(p.fields)) {
    if (typeof v === 'bigint' || v instanceof Int) point.intField(k, Number(v));
    else if (typeof v === 'number') point.floatField(k, v);
    else if (typeof v === 'boolean') point.booleanField(k, v);
    else point.stringField(k, v);
  }
  return point.timestamp(p.timestamp).toLineProtocol();
}

/** Line protocol: our serializer against @influxdata/influxdb-client's Point, on real points. */
export async function lineProtocolBench(): Promise<Record<string, number>> {
  const container = {
    id: 'a27ed7b787c962c5d9f47c6719b69db47194f39d6170ba214fef27d1a1c5dbd0',
    name: 'web-1',
    image: 'local/busybox',
    labels: {},
  };
  const lines = fixtureLines('stream-busy-cgroupv1.ndjson').map((line) => ({ container, line }));
  const points = await lastValueFrom(from(lines).pipe(decodeStats(), toPoints(), toArray()));
  let i = 0;
  const ours = microsPerCall(() => toLineProtocol(points[i++ % points.length]!));
  const client = microsPerCall(() => clientLine(points[i++ % points.length]!));
  console.log(
    `line protocol, µs per point: ours ${fmt(ours)}, influxdb-client Point ${fmt(client)} (${fmt(client / ours, 1)}x)`,
  );
  return { ours, client };
}
