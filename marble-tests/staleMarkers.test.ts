import { map } from 'rxjs';
import { describe, it } from 'vitest';
import { staleMarkers } from '../src/encode/staleMarkers.js';
import { type Point, int } from '../src/model/point.js';
import type { PointSamples } from '../src/model/sampleLine.js';
import { testScheduler } from './testScheduler.js';

const tags = { container_id: 'abc', container_name: 'web' };
const at = (ms: number): string => `${ms}000000`;
const points: Record<string, Point> = {
  r: {
    measurement: 'container',
    tags,
    fields: { running: true, state: 'running', restart_count: int(0) },
    timestamp: at(1000),
  },
  s: { measurement: 'cpu', tags, fields: { usage_percent: 5 }, timestamp: at(1500) },
  x: {
    measurement: 'container',
    tags,
    fields: { running: false, state: 'exited', exit_code: int(0) },
    timestamp: at(2000),
  },
  t: { measurement: 'cpu', tags, fields: { usage_percent: 6 }, timestamp: at(1900) },
};
// Each output as `<ms> <name>=<value>,...`, `stale` for a marker.
const shown = (p: PointSamples): string => {
  const pairs = p.names.map((name, i) => `${name}=${String(p.values[i])}`);
  return `${p.ms} ${pairs.join(',')}`;
};

describe('staleMarkers (marbles)', () => {
  it('sends the exit, then one marker per series of the container 1 ms later; a late point of it is dropped', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-r-s-x-t-|', points);
      expectObservable(source.pipe(staleMarkers(), map(shown))).toBe('-a-b-(cd)|', {
        a: '1000 container_running=1,container_restart_count=0',
        b: '1500 cpu_usage_percent=5',
        c: '2000 container_running=0,container_exit_code=0',
        d: '2001 container_running=stale,container_restart_count=stale,cpu_usage_percent=stale,container_exit_code=stale',
      });
    });
  });
});
