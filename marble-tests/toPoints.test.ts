import { map } from 'rxjs';
import { describe, it } from 'vitest';
import type { ContainerSample } from '../src/model/containerSample.js';
import { toPoints } from '../src/transform/toPoints.js';
import { toSample } from '../src/validate/toSample.js';
import { fixtureLines } from '../test/support/fixtures.js';
import { testScheduler } from './testScheduler.js';

const web = { id: 'a'.repeat(64), name: 'web-1', image: 'local/busybox', labels: {} };
const db = { id: 'b'.repeat(64), name: 'db-1', image: 'local/busybox', labels: {} };
// Polled records (no precpu): the CPU base is the collector's own previous record of the container.
const polled = fixtureLines('stream-busy-cgroupv1.ndjson').map((line) => ({ ...JSON.parse(line), precpu_stats: {} }));
const records: Record<string, ContainerSample> = {
  a: toSample(web, polled[0]),
  b: toSample(web, polled[1]),
  x: toSample(db, polled[2]),
  z: toSample(web, { ...polled[3], read: '0001-01-01T00:00:00Z' }),
};
// Points as `<measurement>@<container>`.
const names = map(
  (p: { measurement: string; tags: Readonly<Record<string, string>> }) => `${p.measurement}@${p.tags.container_name}`,
);
const v = { m: 'memory@web-1', n: 'network@web-1', c: 'cpu@web-1', M: 'memory@db-1', N: 'network@db-1' };

describe('toPoints: Transform', () => {
  it('emits a record’s points together, with cpu only once a container has a base', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-----x-----b-------z-|', records);
      const subs = '      ^----------------------!';
      const expected = '  -(mn)--(MN)--(cmn)-----|';
      expectObservable(source.pipe(toPoints(), names)).toBe(expected, v);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('keeps its memory per subscription: a second subscriber starts without a base', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a----(b|)', records);
      const points = source.pipe(toPoints(), names);
      expectObservable(points).toBe('-(mn)-(cmn|)', v);
      expectObservable(points).toBe('-(mn)-(cmn|)', v);
    });
  });

  it('passes an error on after the points made so far, and emits nothing for a silent source', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a----#', records).pipe(toPoints(), names)).toBe('-(mn)-#', v);
      expectObservable(cold<ContainerSample>('-').pipe(toPoints(), names), '^-!').toBe('--');
    });
  });
});
