import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { selfMetrics } from '../../src/daemon/selfMetrics.js';
import { type Point, int } from '../../src/model/point.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { COLUMNS, type Column } from '../../src/view/columns.js';
import { type ContainerRow, foldPoint, rowOf } from '../../src/view/containerRow.js';
import type { RowEntry } from '../../src/view/rowEntry.js';
import { daemonHealth, daemonLine, parseMetrics } from '../../src/view/daemonHealth.js';
import { detailLines } from '../../src/view/detailLines.js';
import { nameFilter } from '../../src/view/filterRows.js';
import { fitColumns } from '../../src/view/fitColumns.js';
import { plain } from '../../src/view/line.js';
import { screenLines } from '../../src/view/screenLines.js';
import { jsonLines, plainTable } from '../../src/view/snapshot.js';
import { sortRows } from '../../src/view/sortRows.js';
import { type KeyPress, type UiState, initialUi, onKey } from '../../src/view/uiState.js';
import { folded } from '../support/telemetry.js';

// Every point of a container carries its label tags (top takes every label: TAG_LABELS=**).
const tags = (name: string) => ({
  host: 'h',
  container_id: `${name}-id`,
  container_name: name,
  image: 'busybox',
  team: 'a',
});
const point = (name: string, measurement: string, fields: Point['fields'], second: number, extra = {}): Point => ({
  measurement,
  tags: { ...tags(name), ...extra },
  fields,
  timestamp: `${second}000000000`,
});
const fold = (...points: Point[]): ContainerRow[] => {
  const known = new Map<string, RowEntry>();
  for (const p of points) foldPoint(known, p);
  return [...known.values()].map(rowOf);
};
const row = (name: string, values: Partial<ContainerRow> = {}): ContainerRow => ({
  key: `h/${name}`,
  host: 'h',
  id: `${name}-id`,
  name,
  image: 'busybox',
  labels: {},
  interfaces: [],
  devices: [],
  ...values,
});
const column = (id: string): Column => COLUMNS.find((c) => c.id === id)!;

describe('the view model: rows from points', () => {
  it('takes the latest values, the labels from the tags, and rates from counters per interface and device', () => {
    const [web] = fold(
      point('web', 'cpu', { usage_percent: 12.5, limit_percent: 25, limit_cpus: 0.5, pids_current: int(3) }, 1),
      point('web', 'memory', { usage_bytes: int(100), limit_bytes: int(1000), usage_percent: 10 }, 1),
      point('web', 'network', { rx_bytes: int(1000), tx_bytes: int(10), rx_errors: int(1) }, 1, { interface: 'eth0' }),
      point('web', 'network', { rx_bytes: int(50), tx_bytes: int(0) }, 1, { interface: 'eth1' }),
      point('web', 'blockio', { read_bytes: int(0), write_bytes: int(4096) }, 1, { device: 'sda' }),
      point('web', 'container', { running: true, state: 'running', restart_count: int(2), uptime_seconds: 90 }, 1),
      point('web', 'network', { rx_bytes: int(5000), tx_bytes: int(10), rx_errors: int(4) }, 3, { interface: 'eth0' }),
      point('web', 'network', { rx_bytes: int(250), tx_bytes: int(100) }, 3, { interface: 'eth1' }),
      point('web', 'blockio', { read_bytes: int(1000), write_bytes: int(4096) }, 3, { device: 'sda' }),
    );
    expect(web).toMatchObject({
      name: 'web',
      cpuPercent: 12.5,
      limitPercent: 25,
      limitCpus: 0.5,
      pids: 3,
      memUsed: 100,
      memLimit: 1000,
      memPercent: 10,
      state: 'running',
      restarts: 2,
      uptimeSeconds: 90,
      netRxPerSec: 2000 + 100,
      netTxPerSec: 0 + 50,
      blockReadPerSec: 500,
      blockWritePerSec: 0,
    });
    expect(web!.labels).toEqual({ team: 'a' });
    expect(web!.interfaces.map((i) => [i.name, i.rxPerSec, i.errors])).toEqual([
      ['eth0', 2000, 4],
      ['eth1', 100, undefined],
    ]);
  });

  it('gives no rate across a counter that went back (a restart), nor from one sample, and keeps it on a repeat', () => {
    const first = point('web', 'network', { rx_bytes: int(5000), tx_bytes: int(0) }, 1, { interface: 'eth0' });
    const reset = point('web', 'network', { rx_bytes: int(100), tx_bytes: int(0) }, 2, { interface: 'eth0' });
    const after = point('web', 'network', { rx_bytes: int(300), tx_bytes: int(0) }, 4, { interface: 'eth0' });
    expect(fold(first)[0]!.netRxPerSec).toBeUndefined();
    expect(fold(first, reset)[0]!.netRxPerSec).toBeUndefined();
    expect(fold(first, reset, after)[0]!.netRxPerSec).toBe(100);
    expect(fold(first, reset, after, after)[0]!.netRxPerSec).toBe(100);
  });

  it('an exited container: its exit code in the status, no uptime', () => {
    const [job] = fold(
      point('job', 'container', { running: true, state: 'running', uptime_seconds: 5 }, 1),
      point('job', 'container', { running: false, state: 'exited', exit_code: int(3), oom_killed: false }, 2),
    );
    expect(job!.uptimeSeconds).toBeUndefined();
    expect(column('status').cell(job!)).toBe('exited(3)');
    expect(column('status').tone!(job!)).toBe('bad');
  });

  it('a container OOM-killed, then running again: no exit code, no OOM, not red', () => {
    const killed = point(
      'web',
      'container',
      { running: false, state: 'exited', exit_code: int(137), oom_killed: true },
      1,
    );
    const again = point('web', 'container', { running: true, state: 'running', restart_count: int(1) }, 2);
    const [before] = fold(killed);
    expect(detailLines(before!).map(plain)[1]).toContain('exit code 137 (OOM killed)');
    const [web] = fold(killed, again);
    expect(web).toMatchObject({ state: 'running', restarts: 1 });
    expect(web).not.toHaveProperty('exitCode');
    expect(web).not.toHaveProperty('oomKilled');
    expect(detailLines(web!).map(plain)[1]).not.toMatch(/exit code|OOM/);
    expect(column('status').tone!(web!)).toBe('good');
  });
});

describe('the view model: sorting, filtering, columns', () => {
  const rows = [
    row('b', { cpuPercent: 5, memUsed: 300 }),
    row('a', { cpuPercent: 50, memUsed: 100 }),
    row('c', {}),
    row('d', { cpuPercent: 5, memUsed: 200 }),
  ];
  const names = (r: readonly ContainerRow[]): string => r.map((x) => x.name).join('');

  it('sorts numbers biggest first, text A to Z, unknown values last either way, ties by name', () => {
    expect(names(sortRows(rows, { column: column('cpu'), reversed: false }))).toBe('abdc');
    expect(names(sortRows(rows, { column: column('cpu'), reversed: true }))).toBe('bdac');
    expect(names(sortRows(rows, { column: column('mem'), reversed: false }))).toBe('bdac');
    expect(names(sortRows(rows, { column: column('name'), reversed: false }))).toBe('abcd');
  });

  it('filters names by glob, or by a text they contain', () => {
    const named = ['web-1', 'web-2', 'db', 'Webhook'].map((n) => row(n));
    expect(names(named.filter(nameFilter('web-*')))).toBe('web-1web-2');
    expect(names(named.filter(nameFilter('hook')))).toBe('Webhook');
    expect(named.filter(nameFilter(''))).toHaveLength(4);
  });

  it('drops the least important columns first to fit the width; names (to 30) stay whole, others share the room', () => {
    const short = (): number => 0; // values no wider than the columns
    const ids = (width: number, wanted = short): string[] => fitColumns(COLUMNS, width, wanted).map((p) => p.column.id);
    const used = (width: number, wanted = short): number => {
      const placed = fitColumns(COLUMNS, width, wanted);
      return placed.reduce((sum, p) => sum + p.width, 0) + placed.length - 1;
    };
    for (const width of [30, 40, 60, 80, 100, 120, 200]) {
      expect(used(width), `${width}`).toBeLessThanOrEqual(width);
      expect(
        used(width, () => 25),
        `${width}`,
      ).toBeLessThanOrEqual(width);
    }
    expect(ids(80)).toEqual(expect.arrayContaining(['name', 'status', 'cpu', 'mem', 'memPercent', 'rx', 'tx']));
    expect(ids(40)).toEqual(['name', 'cpu', 'mem', 'memPercent']);
    expect(ids(200)).toHaveLength(COLUMNS.length);
    const dropped = COLUMNS.filter((c) => !ids(80).includes(c.id));
    const kept = COLUMNS.filter((c) => ids(80).includes(c.id));
    expect(Math.min(...dropped.map((c) => c.priority))).toBeGreaterThan(Math.max(...kept.map((c) => c.priority)));
    // Names of 25 characters stay whole at 80 columns, at the cost of a less important column.
    const long = fitColumns(COLUMNS, 80, (c) => (c.id === 'name' ? 25 : 0));
    expect(long[0]!.width).toBe(25);
    expect(long.length).toBeLessThan(ids(80).length);
  });
});

describe('the view model: keys', () => {
  const shown = ['h/a', 'h/b', 'h/c'];
  const press = (ui: UiState, ...keys: KeyPress[]): UiState => keys.reduce((s, k) => onKey(s, k, shown), ui);
  const ch = (input: string): KeyPress => ({ input });

  it('a column key sorts by it, again reverses it; q and Ctrl-C quit', () => {
    expect(press(initialUi(), ch('m'))).toMatchObject({ sortBy: 'mem', reversed: false });
    expect(press(initialUi(), ch('m'), ch('m'))).toMatchObject({ sortBy: 'mem', reversed: true });
    expect(press(initialUi(), ch('n'))).toMatchObject({ sortBy: 'name' });
    expect(press(initialUi(), ch('q')).quit).toBe(true);
    expect(press(initialUi(), { input: 'c', ctrl: true }).quit).toBe(true);
  });

  it('/ types a filter (a chunk of keys at once too), Enter applies it, Esc cancels or clears it', () => {
    const typed = press(initialUi(), ch('/'), ch('w'), ch('x'), { input: '', name: 'backspace' }, ch('e'));
    expect(typed.editing).toBe('we');
    expect(press(typed, { input: '', name: 'enter' })).toEqual({ ...initialUi(), filter: 'we' });
    expect(press(typed, { input: '', name: 'escape' })).toEqual(initialUi());
    const chunk = press(initialUi(), ch('/'), ch('idle\rm'));
    expect(chunk).toMatchObject({ filter: 'idle', sortBy: 'mem' });
    expect(press(chunk, { input: '', name: 'escape' }).filter).toBe('');
    expect(press(initialUi(), ch('/'), ch('q')).quit).toBe(false);
  });

  it('arrows and j/k move the selection within the rows; Enter opens the detail, Esc goes back', () => {
    const down = press(initialUi(), { input: '', name: 'down' }, ch('j'), ch('j'));
    expect(down.selected).toBe('h/c');
    expect(press(down, ch('k')).selected).toBe('h/b');
    const detail = press(down, { input: '', name: 'enter' });
    expect(detail.detail).toBe('h/c');
    expect(press(detail, ch('m')).sortBy).toBe('cpu'); // keys of the list do nothing in the detail
    expect(press(detail, { input: '', name: 'escape' }).detail).toBeUndefined();
    expect(press(initialUi(), { input: '', name: 'enter' }).detail).toBe('h/a');
  });
});

describe('the view model: the screen', () => {
  const many = Array.from({ length: 50 }, (_, i) =>
    row(`container-${String(i).padStart(2, '0')}`, { cpuPercent: i, state: 'running' }),
  );
  const header = { host: 'h', engine: 'Docker 20.10 at unix:///var/run/docker.sock', source: 'cgroup files' };

  it('fits the terminal: at most its height, each line at most its width, footer last with the sort keys', () => {
    for (const [width, height] of [
      [80, 24],
      [60, 12],
      [132, 50],
    ] as const) {
      const lines = screenLines({ rows: many, ui: initialUi(), header, width, height }).map(plain);
      expect(lines.length).toBeLessThanOrEqual(height);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
      expect(lines.at(-2)).toMatch(/^sort: n name {2}c cpu% {2}m mem {2}M mem%/);
      expect(lines.at(-1)).toMatch(/^\/ filter {2}Enter detail .* q quit$/);
      expect(lines.find((l) => l.startsWith('NAME'))).toMatch(/CPU%v/);
      expect(lines.some((l) => l.startsWith('container-49'))).toBe(true); // the busiest first
    }
  });

  it('a name longer than its column is cut in the middle, ~ for the cut; the table never outgrows the terminal', () => {
    const long = 'shop-payments-reconciliation-worker-12'; // 38 characters: more than the name column's 30
    const rows = [row(long, { cpuPercent: 9, state: 'running' }), row('web', { cpuPercent: 1, state: 'running' })];
    const table = (width: number): string[] =>
      screenLines({ rows, ui: initialUi(), header, width, height: 12 })
        .map(plain)
        .filter((l) => l.startsWith('shop') || l.startsWith('web'));
    const cuts = [
      [80, 'shop-payments-r~tion-worker-12'],
      [40, 'shop-payments-r~tion-worker-12'],
      [20, 'shop-payme~worker-12'],
    ] as const;
    for (const [width, name] of cuts) {
      const [cut, web] = table(width);
      expect(cut!.slice(0, name.length), `${width}`).toBe(name);
      expect(cut!.length, `${width}`).toBeLessThanOrEqual(width);
      expect(web, `${width}`).toMatch(/^web /);
    }
    expect(table(80)[0]).toMatch(/ running +9\.00% /);
    // The whole name: in the detail, and in a snapshot.
    const detail = screenLines({ rows, ui: { ...initialUi(), detail: rows[0]!.key }, header, width: 80, height: 30 });
    expect(plain(detail.find((l) => plain(l).startsWith('shop'))!)).toMatch(new RegExp(`^${long} `));
    expect(plainTable(rows)).toMatch(new RegExp(`^${long} `, 'm'));
  });

  it('keeps the selected row on screen', () => {
    let ui = initialUi('name');
    const keys = many.map((r) => r.key);
    for (let i = 0; i < 40; i++) ui = onKey(ui, { input: 'j' }, keys);
    const lines = screenLines({ rows: many, ui, header, width: 80, height: 24 }).map(plain);
    expect(lines.some((l) => l.startsWith('container-39'))).toBe(true);
    expect(lines.some((l) => l.startsWith('container-00'))).toBe(false);
  });

  it('shows one container in detail: interfaces, devices, limits, labels', () => {
    const [web] = fold(
      point('web', 'cpu', { usage_percent: 40, limit_percent: 80, limit_cpus: 0.5 }, 1),
      point('web', 'network', { rx_bytes: int(1), tx_bytes: int(2) }, 1, { interface: 'eth0' }),
      point('web', 'blockio', { read_bytes: int(1), write_bytes: int(2) }, 1, { device: 'sda' }),
      point('web', 'container', { state: 'running', running: true }, 1),
    );
    const ui = { ...initialUi(), detail: web!.key };
    const text = screenLines({ rows: [web!], ui, header, width: 80, height: 40 })
      .map(plain)
      .join('\n');
    expect(text).toMatch(/limit 0.5 CPUs \(80.0% of it\)/);
    expect(text).toMatch(/^eth0 /m);
    expect(text).toMatch(/^sda /m);
    expect(text).toMatch(/^LABELS\nteam=a$/m);
  });

  it('a snapshot: a plain table of every column, or JSON lines that parse', () => {
    const rows = [row('web', { cpuPercent: 1, state: 'running' }), row('a-very-long-container-name-indeed-yes')];
    const table = plainTable(rows).split('\n');
    expect(table[0]).toMatch(/^NAME +IMAGE +STATUS +CPU% +LIM% +MEM +LIMIT +MEM% .* UPTIME$/);
    expect(table[1]).toMatch(/^a-very-long-container-name-indeed-yes /);
    const objects = jsonLines(rows)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.map((o) => [o.name, o.cpu_percent])).toEqual([
      ['a-very-long-container-name-indeed-yes', undefined],
      ['web', 1],
    ]);
  });
});

describe("the view model: a daemon's health from its /metrics", () => {
  it('reads what selfMetrics serves: points/s written, buffer fill, dropped, write latency', async () => {
    const events: TelemetryEvent[] = [];
    const telemetry$ = new Subject<TelemetryEvent>();
    const registry = selfMetrics(() => folded(events), telemetry$, 1000);
    const scrape = async (at: number) => ({
      at,
      samples: parseMetrics(await registry.metrics()),
      healthy: true,
      reasons: [],
    });
    const before = await scrape(0);
    for (const e of [
      { type: 'batch-written', points: 500, latencyMs: 20, at: 1 },
      { type: 'batch-written', points: 500, latencyMs: 40, at: 2 },
      { type: 'points-dropped', points: 7, reason: 'buffer_full' },
      { type: 'buffer-level', points: 10, bytes: 250, inFlight: 0 },
    ] as TelemetryEvent[]) {
      events.push(e);
      telemetry$.next(e);
    }
    const health = daemonHealth('http://d:9417', before, await scrape(2000));
    expect(health).toMatchObject({ writtenPerSec: 500, bufferFill: 0.25, bufferPoints: 10, dropped: 7, healthy: true });
    expect(health.latencyMs).toBeCloseTo(30);
    expect(plain(daemonLine(health))).toBe('daemon d:9417 healthy: writes 500 pts/s in 30 ms, buffer 25.0%, 7 dropped');
    expect(plain(daemonLine({ url: 'http://d:9417', error: 'not answering (ECONNREFUSED)' }))).toContain(
      'ECONNREFUSED',
    );
  });
});
