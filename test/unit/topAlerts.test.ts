import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { alertsLine } from '../../src/view/alertsLine.js';
import { COLUMNS } from '../../src/view/columns.js';
import type { ContainerRow } from '../../src/view/containerRow.js';
import { daemonHealth, parseMetrics } from '../../src/view/daemonHealth.js';
import { detailLines } from '../../src/view/detailLines.js';
import { type DaemonAlerts, type FiringAlert, daemonAlerts } from '../../src/view/firingAlerts.js';
import { plain } from '../../src/view/line.js';
import { promSample } from '../../src/view/promSample.js';
import { withAlerts } from '../../src/view/rowAlerts.js';
import { screenLines } from '../../src/view/screenLines.js';
import { jsonLines, plainTable } from '../../src/view/snapshot.js';
import { textWidth } from '../../src/view/terminalText.js';
import { initialUi } from '../../src/view/uiState.js';

const ID = (c: string): string => c.repeat(64);
const row = (name: string, id: string, values: Partial<ContainerRow> = {}): ContainerRow => ({
  key: `h/${id}`,
  host: 'h',
  id,
  name,
  image: 'busybox',
  labels: {},
  state: 'running',
  interfaces: [],
  devices: [],
  ...values,
});
const alert = (rule: string, severity: string, container: string, containerId: string): FiringAlert => ({
  rule,
  severity,
  container,
  containerId,
});

/** The alert series as the daemon registers them with prom-client (the contract of the wiring). */
function alertRegistry() {
  const registry = new Registry();
  const firing = new Gauge({
    name: 'dss_alerts_firing',
    help: 'firing alerts',
    labelNames: ['rule', 'severity', 'container_name', 'container_id'],
    registers: [registry],
  });
  const sent = new Counter({
    name: 'dss_alerts_sent_total',
    help: 'alerts sent',
    labelNames: ['receiver'],
    registers: [registry],
  });
  return { registry, firing, sent };
}

describe('a Prometheus sample line, label values unescaped', () => {
  it('reads names, labels and values, with `}` `,` `"` `\\` and newlines inside values', () => {
    expect(promSample('dss_x{a="1",b="x}, y=\\"z\\"\\\\n\\n"} 2.5 1700000000')).toEqual({
      name: 'dss_x',
      labels: { a: '1', b: 'x}, y="z"\\n\n' },
      value: 2.5,
    });
    expect(promSample('up 1')).toEqual({ name: 'up', labels: {}, value: 1 });
    expect(promSample('a{} +Inf')?.value).toBe(Infinity);
    expect(promSample('a{b="c",} -Inf')).toEqual({ name: 'a', labels: { b: 'c' }, value: -Infinity });
    // A backslash before any other character stands for itself, as the format's parsers read it.
    expect(promSample('a{b="C:\\dir"} 1')?.labels.b).toBe('C:\\dir');
  });

  it('skips comments, blank and malformed lines', () => {
    for (const line of ['# HELP a b', '', 'a{b="unclosed} 1', 'a{b=1} 1', 'a{b="c"}', '{b="c"} 1', 'a{"b"="c"} 1'])
      expect(promSample(line), line).toBeUndefined();
  });
});

describe("the firing alerts of a daemon's /metrics", () => {
  it('reads what prom-client writes, hostile label values as they were: quotes, backslashes, newlines, braces', async () => {
    const { registry, firing, sent } = alertRegistry();
    const hostileRule = 'say "hi" \\ to\nall} {x="1"}';
    firing.set({ rule: 'hot', severity: 'warning', container_name: 'web-1', container_id: ID('a') }, 1);
    firing.set({ rule: hostileRule, severity: 'critical', container_name: 'db\\x', container_id: ID('b') }, 1);
    firing.set({ rule: 'resolved', severity: 'critical', container_name: 'old', container_id: ID('c') }, 0);
    sent.inc({ receiver: 'webhook' });
    const text = await registry.metrics();
    expect(text).toContain('\\"hi\\" \\\\ to\\nall}'); // prom-client's escapes: the test reads real ones
    expect(daemonAlerts(text)).toEqual({
      firing: [
        alert(hostileRule, 'critical', 'db\\x', ID('b')), // critical first
        alert('hot', 'warning', 'web-1', ID('a')),
      ],
    });
    // The health's sums are the same as before: one series more or less does not change them.
    expect(parseMetrics(text).get('dss_alerts_firing')).toBe(2);
  });

  it('a daemon that alerts with none firing: an empty list; a daemon without alerting: nothing', async () => {
    const { registry } = alertRegistry();
    const declaredOnly = await registry.metrics(); // labelled series with no sample: HELP and TYPE alone
    expect(declaredOnly).not.toMatch(/^dss_alerts/m);
    expect(daemonAlerts(declaredOnly)).toEqual({ firing: [] });
    expect(daemonAlerts('dss_points_written_total 5\n# HELP dss_buffer_points x\ndss_buffer_points 1\n')).toBe(
      undefined,
    );
  });

  it('orders critical, error, warning, other severities, info; then by rule and container', () => {
    const text = [
      'dss_alerts_firing{rule="b",severity="info",container_name="z",container_id=""} 1',
      'dss_alerts_firing{rule="b",severity="page",container_name="z",container_id=""} 1',
      'dss_alerts_firing{rule="b",severity="warning",container_name="y",container_id=""} 1',
      'dss_alerts_firing{rule="a",severity="warning",container_name="z",container_id=""} 1',
      'dss_alerts_firing{rule="z",severity="critical",container_name="z",container_id=""} 1',
    ].join('\n');
    expect(daemonAlerts(text)?.firing.map((a) => `${a.severity}:${a.rule}:${a.container}`)).toEqual([
      'critical:z:z',
      'warning:a:z',
      'warning:b:y',
      'page:b:z',
      'info:b:z',
    ]);
  });

  it('rides along the daemon health, and only when the daemon alerts', () => {
    const alerts: DaemonAlerts = { firing: [alert('hot', 'warning', 'web', ID('a'))] };
    const scrape = { at: 0, samples: new Map(), healthy: true, reasons: [] };
    expect(daemonHealth('http://d', undefined, { ...scrape, alerts }).alerts).toBe(alerts);
    expect('alerts' in daemonHealth('http://d', undefined, scrape)).toBe(false);
  });
});

describe("the header's alerts line", () => {
  const two: DaemonAlerts = {
    firing: [alert('oom_killed', 'critical', 'db', ID('b')), alert('hot', 'warning', 'web-1', ID('a'))],
  };

  it('names each firing alert, most severe first; red with a critical one; `alerts: none` when none fires', () => {
    const line = alertsLine(two, 200);
    expect(plain(line)).toBe('alerts: 2 firing — oom_killed db (critical), hot web-1 (warning)');
    expect(line.find((s) => s.text === '2 firing')?.tone).toBe('bad');
    expect(alertsLine({ firing: [two.firing[1]!] }, 200).find((s) => s.text === '1 firing')?.tone).toBe('warn');
    expect(plain(alertsLine({ firing: [] }, 200))).toBe('alerts: none');
  });

  it('fits the width: as many as fit, then +N more; a container without a name by its short id', () => {
    const many: DaemonAlerts = {
      firing: [...two.firing, alert('gone', 'warning', '', ID('c')), alert('exited', 'warning', 'api', ID('d'))],
    };
    const full = plain(alertsLine(many, 500));
    expect(full).toBe(
      `alerts: 4 firing — oom_killed db (critical), hot web-1 (warning), gone ${ID('c').slice(0, 12)} (warning), exited api (warning)`,
    );
    for (const width of [30, 40, 60, 80, 100]) {
      const text = plain(alertsLine(many, width));
      expect(textWidth(text), text).toBeLessThanOrEqual(width);
      expect(text).toMatch(/^alerts: 4 firing — (oom_killed db \(critical\)(, .+)?|o[^,]*~), \+\d more$/);
    }
    expect(plain(alertsLine(many, 40))).toBe('alerts: 4 firing — oom_killed ~, +3 more');
    expect(plain(alertsLine(many, 80))).toBe(
      'alerts: 4 firing — oom_killed db (critical), hot web-1 (warning), +2 more',
    );
  });

  it('shows control characters of a rule or name as escapes, never as they are', () => {
    const text = plain(alertsLine({ firing: [alert('a\nb\u001b[2J', 'critical', 'c\u009b', '')] }, 200));
    expect(text).toBe('alerts: 1 firing — a\\x0ab\\x1b[2J c\\x9b (critical)');
  });

  it('stands in the screen under the daemon line, cut to the width; not there without alerting', () => {
    const header = { host: 'h', engine: 'e', source: 's' };
    const daemon = { url: 'http://d:9417', healthy: true, reasons: [] };
    const rows = withAlerts([row('db', ID('b')), row('web-1', ID('a'))], two);
    const lines = screenLines({
      rows,
      ui: initialUi('name'),
      header: { ...header, daemon: { ...daemon, alerts: two } },
      width: 50,
      height: 20,
    }).map(plain);
    expect(lines[2]).toBe('daemon d:9417 healthy');
    expect(lines[3]).toBe('alerts: 2 firing — oom_killed db (critic~, +1 more');
    expect(lines.filter((l) => l.startsWith('!'))).toEqual([
      expect.stringMatching(/^!db /),
      expect.stringMatching(/^!web-1 /),
    ]);
    const none = screenLines({ rows, ui: initialUi(), header: { ...header, daemon }, width: 80, height: 20 }).map(
      plain,
    );
    expect(none.some((l) => l.startsWith('alerts'))).toBe(false);
  });

  it("without a daemon: top's own rules' alerts stand under the engine line", () => {
    const rows = withAlerts([row('db', ID('b')), row('web-1', ID('a'))], two);
    const header = { host: 'h', engine: 'e', source: 's', alerts: two };
    const lines = screenLines({ rows, ui: initialUi('name'), header, width: 80, height: 20 }).map(plain);
    expect(lines[2]).toBe('alerts: 2 firing — oom_killed db (critical), hot web-1 (warning)');
  });
});

describe('the rows of containers with a firing alert', () => {
  const alerts: DaemonAlerts = {
    firing: [
      alert('oom_killed', 'critical', 'db', ID('b')),
      alert('hot', 'warning', 'web-1', ID('a').slice(0, 12)), // a short id
      alert('exited', 'warning', 'api', ''), // no id: by name
      alert('gone', 'warning', 'old', ID('f')), // no row: the header alone
    ],
  };
  const rows = [row('db', ID('b')), row('web-1', ID('a')), row('api', ID('d')), row('idle', ID('e'))];
  const name = COLUMNS.find((c) => c.id === 'name')!;

  it('carry their alerts, by full or short id, else by name; none without a daemon that alerts', () => {
    const marked = withAlerts(rows, alerts);
    expect(marked.map((r) => [r.name, r.alerts?.map((a) => a.rule)])).toEqual([
      ['db', ['oom_killed']],
      ['web-1', ['hot']],
      ['api', ['exited']],
      ['idle', []],
    ]);
    expect(withAlerts(rows, undefined)).toBe(rows);
    // A short id that is not a container id's start does not match by chance.
    expect(withAlerts(rows, { firing: [alert('x', 'warning', '', 'bbb')] })[0]!.alerts).toEqual([]);
  });

  it('show `!` before the name, red with a critical alert, yellow otherwise; sorted and filtered by the name alone', () => {
    const [db, web, , idle] = withAlerts(rows, alerts);
    expect([db, web, idle].map((r) => name.cell(r!))).toEqual(['!db', '!web-1', 'idle']);
    expect([db, web, idle].map((r) => name.tone?.(r!))).toEqual(['bad', 'warn', undefined]);
    expect(name.sortValue(db!)).toBe('db');
  });

  it("are named in the container's detail, red with a critical one; no line without alerts", () => {
    const [db, web, , idle] = withAlerts(rows, { firing: [...alerts.firing, alert('hot', 'warning', 'db', ID('b'))] });
    const alertLine = (r: ContainerRow) => detailLines(r).find((l) => plain(l).startsWith('alerts '));
    expect(plain(alertLine(db!)!)).toBe('alerts oom_killed (critical), hot (warning)');
    expect(alertLine(db!)![0]!.tone).toBe('bad');
    expect(alertLine(web!)![0]!.tone).toBe('warn');
    expect(alertLine(idle!)).toBeUndefined();
  });

  it('--format json: an `alerts` array per container with a daemon that alerts, no key without; a line per gone one', () => {
    const objects = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const json = objects(jsonLines(withAlerts(rows, alerts), alerts));
    expect(json.map((o) => [o.name, o.alerts])).toEqual([
      ['api', [{ rule: 'exited', severity: 'warning', container: 'api', container_id: '' }]],
      ['db', [{ rule: 'oom_killed', severity: 'critical', container: 'db', container_id: ID('b') }]],
      ['idle', []],
      ['web-1', [{ rule: 'hot', severity: 'warning', container: 'web-1', container_id: ID('a').slice(0, 12) }]],
      ['old', [{ rule: 'gone', severity: 'warning', container: 'old', container_id: ID('f') }]], // no row: after them
    ]);
    expect(objects(jsonLines(rows)).some((o) => 'alerts' in o)).toBe(false);
    // The alerts on containers with no row (gone) follow, a line per container, its alerts together.
    const gone = [alert('gone', 'warning', 'older', ID('c')), alert('exited', 'warning', 'older', ID('c'))];
    const goneByName = alert('gone', 'warning', 'nameless', '');
    const withGone = { firing: [...alerts.firing, ...gone, goneByName] };
    expect(objects(jsonLines(withAlerts(rows, withGone), withGone)).slice(rows.length + 1)).toEqual([
      {
        id: ID('c'),
        name: 'older',
        alerts: gone.map((a) => ({ rule: a.rule, severity: 'warning', container: 'older', container_id: ID('c') })),
      },
      {
        id: '',
        name: 'nameless',
        alerts: [{ rule: 'gone', severity: 'warning', container: 'nameless', container_id: '' }],
      },
    ]);
    expect(
      plainTable(withAlerts(rows, alerts))
        .split('\n')
        .map((l) => l.split(' ')[0]),
    ).toEqual(['NAME', '!api', '!db', 'idle', '!web-1', '']);
  });
});
