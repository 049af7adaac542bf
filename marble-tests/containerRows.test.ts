import { map, mergeMap } from 'rxjs';
import { describe, it } from 'vitest';
import { type Point, int } from '../src/model/point.js';
import type { ContainerRow } from '../src/view/containerRow.js';
import { containerRows } from '../src/view/containerRows.js';
import { settledRows } from '../src/view/settledRows.js';
import { testScheduler } from './testScheduler.js';

const tags = { host: 'h', container_id: 'abc', container_name: 'web', image: 'nginx' };
const at = (second: number): string => `${second}000000000`;
const cpu = (second: number, percent: number): Point => ({
  measurement: 'cpu',
  tags,
  fields: { usage_percent: percent },
  timestamp: at(second),
});
const net = (second: number, rx: number): Point => ({
  measurement: 'network',
  tags: { ...tags, interface: 'eth0' },
  fields: { rx_bytes: int(rx), tx_bytes: int(0) },
  timestamp: at(second),
});
const state = (second: number): Point => ({
  measurement: 'container',
  tags,
  fields: { running: true, state: 'running', restart_count: int(0), uptime_seconds: second },
  timestamp: at(second),
});
const memory: Point = { measurement: 'memory', tags, fields: { usage_bytes: int(1 << 20) }, timestamp: at(1) };
const points: Record<string, Point> = {
  m: memory,
  c: cpu(1, 50),
  n: net(1, 1000),
  d: cpu(2, 60),
  o: net(2, 3000),
  e: cpu(3, 70),
  p: net(3, 3500),
  s: state(3),
};
// Rows as `<name> cpu=<%> rx=<bytes/s>`, `,`-separated.
const shown = map((rows: readonly ContainerRow[]) =>
  rows.map((r) => `${r.name} cpu=${r.cpuPercent ?? '-'} rx=${r.netRxPerSec ?? '-'}`).join(','),
);

describe('containerRows: the view rows, every refresh', () => {
  it('folds the points into a row a little after each sampling round, rates from the counters', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  -(cn)----(do)----(ep)----|', points);
      const subs = '        ^------------------------!';
      const expected = '    ---a-------b-------c-----|';
      const rows = { a: 'web cpu=50 rx=-', b: 'web cpu=60 rx=2000', c: 'web cpu=70 rx=500' };
      expectObservable(source.pipe(containerRows(8), shown)).toBe(expected, rows);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('refreshes with no container at all, and a container without points leaves after 3 refreshes', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const empty = cold<Point>('  ----------------|');
      const none = '        --a-------a-----|';
      expectObservable(empty.pipe(containerRows(8), shown)).toBe(none, { a: '' });
      const once = hot('    -c--------------------------------|', points);
      const gone = '        ---a-------a-------a-------b------|';
      expectObservable(once.pipe(containerRows(8), shown)).toBe(gone, { a: 'web cpu=50 rx=-', b: '' });
    });
  });

  it('an interface that goes (a network disconnected) leaves the totals: no stale or negative rate', () => {
    // web on two networks: eth0 takes 1000 B/s, eth1 500 B/s; eth1 is disconnected after the
    // second round, and connected again (a new interface, its counter from 0) after the fourth.
    const round = (second: number, eth0: number, eth1?: number): Point[] => [
      cpu(second, 1),
      { ...net(second, eth0), tags: { ...tags, interface: 'eth0' } },
      ...(eth1 === undefined ? [] : [{ ...net(second, eth1), tags: { ...tags, interface: 'eth1' } }]),
    ];
    const rounds = {
      a: round(1, 1000, 5000),
      b: round(2, 2000, 5500),
      c: round(3, 3000),
      d: round(4, 4000),
      e: round(5, 5000, 100),
      f: round(6, 6000, 600),
    };
    const totals = map((rows: readonly ContainerRow[]) =>
      rows.map((r) => `rx=${r.netRxPerSec ?? '-'} ${r.interfaces.map((i) => i.name).join('+')}`).join(','),
    );
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  -a-------b-------c-------d-------e-------f-------|', rounds);
      const subs = '        ^------------------------------------------------!';
      const expected = '    ---u-------v-------w-------x-------y-------z-----|';
      expectObservable(
        source.pipe(
          mergeMap((points) => points),
          containerRows(8),
          totals,
        ),
      ).toBe(expected, {
        u: 'rx=- eth0+eth1',
        v: 'rx=1500 eth0+eth1',
        w: 'rx=1000 eth0',
        x: 'rx=1000 eth0',
        y: 'rx=1000 eth0+eth1',
        z: 'rx=1500 eth0+eth1',
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('a container that stops: its CPU % and rates go after 3 refreshes without a sample; a restart starts afresh', () => {
    // INCLUDE_STATES=running,exited: the exited container's state points go on, its stats end.
    const exited = (second: number): Point => ({
      measurement: 'container',
      tags,
      fields: { running: false, state: 'exited', exit_code: int(0) },
      timestamp: at(second),
    });
    const stops = {
      ...points,
      x: exited(4),
      y: exited(5),
      z: exited(6),
      w: exited(7),
      r: { ...memory, timestamp: at(8) },
      f: cpu(9, 5),
    };
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      // Started again: its first sample has its memory, its CPU % comes with the second.
      const source = hot('  -(cn)----(do)----x-------y-------z-------w-------r-------f-------|', stops);
      const subs = '        ^----------------------------------------------------------------!';
      const expected = '    ---a-------b-------b-------b-------c-------c-------c-------d-----|';
      expectObservable(source.pipe(containerRows(8), shown)).toBe(expected, {
        a: 'web cpu=50 rx=-',
        b: 'web cpu=60 rx=2000',
        c: 'web cpu=- rx=-',
        d: 'web cpu=5 rx=-',
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('errors as the points do', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-c-----------#', points).pipe(containerRows(8), shown)).toBe('---a-------a-#', {
        a: 'web cpu=50 rx=-',
      });
    });
  });
});

describe('settledRows: one snapshot, as docker stats --no-stream', () => {
  it('takes the first refresh in which every running container has its CPU % and rates', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  -(cnms)--(do)----(ep)----|', points);
      const expected = '    -----------(b|)';
      const subs = '        ^----------!';
      const snapshot = source.pipe(containerRows(8), settledRows(100));
      expectObservable(snapshot.pipe(shown)).toBe(expected, { b: 'web cpu=60 rx=2000' });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('else the latest refresh when the time is up (the state never came)', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('  -(cn)----(do)----(ep)----|', points);
      const expected = '    --------------(b|)';
      expectObservable(source.pipe(containerRows(8), settledRows(14), shown)).toBe(expected, {
        b: 'web cpu=60 rx=2000',
      });
    });
  });
});
