import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDaemon } from '../support/daemon.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';
import { ended, tableRows, topTmux } from '../support/topTmux.js';

// `top --daemon` against a daemon's /metrics with firing alerts: a tiny HTTP server of this test's
// own serves them (the series the daemon's alerting exposes), `top` runs as a real process on the
// real engine, whose containers the alerts name.
const containers = testContainers('topalert');
const only = { INCLUDE_LABELS: 'dss-test=topalert' };
const name = (n: string): string => containers.prefix + n;
const ids: Record<string, string> = {};
// A rule name as hostile as a rule file may write it: quotes, a backslash, a brace; escaped as the format does.
const HOSTILE_RULE = 'say "hi" \\ {x}';
const escaped = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const DECLARED = [
  '# HELP dss_alerts_firing 1 per firing alert, by rule and container.',
  '# TYPE dss_alerts_firing gauge',
  '# HELP dss_alerts_sent_total Alert notifications sent, by receiver.',
  '# TYPE dss_alerts_sent_total counter',
];
const firing = (rule: string, severity: string, container: string, id: string): string =>
  `dss_alerts_firing{rule="${escaped(rule)}",severity="${severity}",container_name="${container}",container_id="${id}"} 1`;
/** What the fake daemon's /metrics answers now. */
let metrics = '';
let server: Server;
let base = '';
let reads = 0;

beforeAll(async () => {
  await realEngine();
  await containers.removeAll();
  for (const n of ['web', 'db', 'idle']) ids[n] = (await containers.run(n, ['sleep', '3600'])).id;
  server = createServer((req, res) => {
    if (req.url === '/metrics') {
      reads++;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics);
    } else if (req.url === '/readyz')
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await containers.removeAll();
});

/** The alerts the contract's series say fire: on db (critical), web (warning), and on a container gone. */
const twoFiring = (): string =>
  [
    ...DECLARED,
    firing('hot', 'warning', name('web'), ids.web!),
    firing(HOSTILE_RULE, 'critical', name('db'), ids.db!),
    firing('gone', 'warning', 'long-gone', 'f'.repeat(64)),
    'dss_alerts_sent_total{receiver="webhook"} 3',
    'dss_points_written_total 10',
    '',
  ].join('\n');

/** `top ...` with stdout a pipe: its exit code, stdout's JSON lines by container name, stderr. */
async function snapshot(args: string[], env: Record<string, string> = {}) {
  const run = spawnDaemon({ ...only, ...env }, ['top', '--once', '--format', 'json', ...args]);
  const code = await run.exited;
  const rows = run.stdout.filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stderr: run.stderr, byName: Object.fromEntries(rows.map((r) => [String(r.name), r])) };
}

describe('top without a daemon: the rules in force, evaluated by top itself', () => {
  it('--once --format json: the alerts of ALERT_RULES on their rows; a bad rule file is exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dss-top-rules-'));
    try {
      const rules = join(dir, 'rules.yaml');
      writeFileSync(
        rules,
        `rules:\n  - name: busy\n    when: cpu.usage_percent >= 0\n    containers: ["${name('web')}"]\n    severity: info\n`,
      );
      const { code, stderr, byName } = await snapshot([], { ALERT_RULES: rules });
      expect(code, stderr).toBe(0);
      expect(byName[name('web')]!.alerts).toEqual([
        { rule: 'busy', severity: 'info', container: name('web'), container_id: ids.web },
      ]);
      expect(byName[name('idle')]!.alerts).toEqual([]);
      // no rule in force: no `alerts` key, as before
      const plain = await snapshot([]);
      expect(Object.values(plain.byName).some((r) => 'alerts' in r)).toBe(false);
      writeFileSync(rules, 'rules:\n  - name: busy\n    when: cpu.usage_percent => 0\n');
      const bad = await snapshot([], { ALERT_RULES: rules });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('operator "=>"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('top --daemon: the alerts a daemon says are firing', () => {
  it('--once --format json: each container its alerts (most severe first), hostile names as they were', async () => {
    metrics = twoFiring();
    const before = reads;
    const { code, stderr, byName } = await snapshot(['--daemon', base]);
    expect(code, stderr).toBe(0);
    expect(reads).toBeGreaterThan(before); // it read this server, over HTTP
    expect(Object.keys(byName).sort()).toEqual([...['db', 'idle', 'web'].map(name), 'long-gone']);
    // A container with no row (gone): a line of its own, its id, name and alerts.
    expect(byName['long-gone']).toEqual({
      id: 'f'.repeat(64),
      name: 'long-gone',
      alerts: [{ rule: 'gone', severity: 'warning', container: 'long-gone', container_id: 'f'.repeat(64) }],
    });
    expect(byName[name('db')]!.alerts).toEqual([
      { rule: HOSTILE_RULE, severity: 'critical', container: name('db'), container_id: ids.db },
    ]);
    expect(byName[name('web')]!.alerts).toEqual([
      { rule: 'hot', severity: 'warning', container: name('web'), container_id: ids.web },
    ]);
    expect(byName[name('idle')]!.alerts).toEqual([]);
  });

  it('a daemon without alerting: no `alerts` key; a daemon that does not answer: exit 1 naming it', async () => {
    metrics = 'dss_points_written_total 10\n';
    const plain = await snapshot(['--daemon', base]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(Object.values(plain.byName).some((r) => 'alerts' in r)).toBe(false);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await snapshot(['--daemon', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot read the daemon at http://127.0.0.1:${port}: not answering (ECONNREFUSED)`);
    expect(Object.keys(down.byName).sort()).toEqual(['db', 'idle', 'web'].map(name)); // the rows all the same
  });

  it('the live screen: the alerts in the header, critical first; `!` on their rows; gone once resolved', async () => {
    const terminal = topTmux('dss-test=topalert');
    try {
      metrics = twoFiring();
      terminal.start('alerts', { NO_COLOR: '1' }, ['--daemon', base]);
      const screen = (): string => terminal.screen('alerts');
      const header = `alerts: 3 firing — ${HOSTILE_RULE} ${name('db')} (critical), gone long-gone (warning), +1 more`;
      expect(await eventually(() => screen().includes(header), 20_000), screen()).toBe(true);
      const marked = (): string[] =>
        tableRows(screen())
          .filter((l) => l.startsWith('!'))
          .map((l) => l.split(' ')[0]!);
      expect(await eventually(() => marked().length === 2), screen()).toBe(true);
      expect(marked().sort()).toEqual([`!${name('db')}`, `!${name('web')}`]);
      expect(tableRows(screen()).some((l) => l.startsWith(`${name('idle')} `))).toBe(true);

      // Resolved: the series stay declared, their samples go.
      metrics = [...DECLARED, 'dss_alerts_sent_total{receiver="webhook"} 5', ''].join('\n');
      expect(await eventually(() => /^alerts: none$/m.test(screen()), 20_000), screen()).toBe(true);
      expect(await eventually(() => marked().length === 0), screen()).toBe(true);

      terminal.tmux('send-keys', '-t', 'alerts', 'q');
      expect(await eventually(() => ended(screen())), screen()).toBe(true);
      expect(screen()).toContain('TOP-EXIT=0');
    } finally {
      terminal.close();
    }
  });
});
