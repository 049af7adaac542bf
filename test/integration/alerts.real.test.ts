import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertWebhook, type ReceivedAlert } from '../support/alertWebhook.js';
import { type RunningDaemon, logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { dockerCli } from '../support/dockerCli.js';
import { OwnAlertmanager } from '../support/ownAlertmanager.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';

/**
 * Issue 27 on the real engine: the built daemon, its default rules and a rule file, notifying a
 * local webhook (and a real Alertmanager) of what the engine announces. Each notice is timed
 * from the engine's own event (`docker events`' timeNano): within NOTIFY_MS of it, or, for a
 * threshold, within NOTIFY_MS of its `for` (or `keep_firing_for`) having passed.
 */
const SUITE = 'alerts';
const boxes = testContainers(SUITE);
const name = (n: string): string => `${boxes.prefix}${n}`;
/** The bound for a lifecycle notice (2 s), and for a threshold once its duration passed (5 s). */
const NOTIFY_MS = 2000;
const THRESHOLD_NOTIFY_MS = 5000;
const HOT_FOR_MS = 5000;

const dir = mkdtempSync(join(tmpdir(), 'dss-alerts-real-'));
const rulesFile = join(dir, 'rules.yaml');
writeFileSync(
  rulesFile,
  [
    'rules:',
    '  - name: hot',
    '    when: cpu.limit_percent > 80',
    '    for: 5s',
    `    containers: ["${boxes.prefix}hot*"]`,
    '    severity: warning',
    '',
  ].join('\n'),
);

/** `docker run -d` of local/busybox, labelled for the suite's cleanup. */
const run = (n: string, flags: string[], cmd: string[]): Promise<string> =>
  dockerCli('run', '-d', '--name', name(n), '--label', `dss-test=${SUITE}`, ...flags, 'local/busybox', ...cmd);

const since = Math.floor(Date.now() / 1000) - 1;
/** The engine's events of a container (by name), as `action@ms`, oldest first. */
async function eventsOf(container: string): Promise<{ action: string; ms: number }[]> {
  const until = Math.ceil(Date.now() / 1000) + 1;
  const out = await dockerCli(
    'events',
    '--since',
    String(since),
    '--until',
    String(until),
    '--filter',
    `container=${container}`,
    '--format',
    '{{.Action}}|{{.TimeNano}}',
  );
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [action, nanos] = line.split('|') as [string, string];
      return { action, ms: Number(BigInt(nanos) / 1_000_000n) };
    });
}
async function eventMs(container: string, action: string, nth = 1): Promise<number> {
  const found = (await eventsOf(container)).filter((e) => e.action === action);
  const event = found[nth - 1];
  if (!event) throw new Error(`no ${nth}th ${action} event of ${container}: ${JSON.stringify(found)}`);
  return event.ms;
}

const started = (d: RunningDaemon): boolean => logLines(d).some((l) => l.msg === 'docker-stats-service started');
async function stopped(d: RunningDaemon | undefined): Promise<void> {
  if (!d) return;
  if (d.process.exitCode === null && d.process.signalCode === null) d.process.kill('SIGKILL');
  await d.exited;
}
/** The first alert told of a rule on a container in that status, once it came (20 s bounds the wait). */
async function told(hook: AlertWebhook, rule: string, container: string, status: 'firing' | 'resolved' = 'firing') {
  const came = await eventually(() => hook.of(rule, container, status).length > 0, 30_000);
  expect(came, `${rule} ${status} for ${container}: ${JSON.stringify(hook.alerts.map(brief))}`).toBe(true);
  return hook.of(rule, container, status)[0]!;
}
/** Each notice's latency (ms), printed at the end: the figures the commit quotes. */
const figures: Record<string, number> = {};
const within = (what: string, ms: number, bound: number): void => {
  figures[what] = ms;
  expect(ms, what).toBeLessThanOrEqual(bound);
  // told after the event, not before: a notice timed from the wrong event would pass the bound
  expect(ms, what).toBeGreaterThanOrEqual(0);
};
const brief = (a: ReceivedAlert): string => `${a.status}:${a.labels.alertname}:${a.labels.container_name}`;

beforeAll(async () => {
  await realEngine();
  await boxes.removeAll();
});
afterAll(async () => {
  await boxes.removeAll();
  rmSync(dir, { recursive: true, force: true });
  console.info(`alert latencies (ms): ${JSON.stringify(figures)}`);
});

describe('alerts from the real engine to a webhook (issue 27)', () => {
  const hook = new AlertWebhook();
  let daemon: RunningDaemon | undefined;
  let port = 0;
  beforeAll(async () => {
    await hook.start();
    port = await freePort();
    daemon = spawnDaemon({
      ALERT_WEBHOOK_URL: hook.url,
      ALERT_WEBHOOK_TOKEN: 'hook-s3cret',
      ALERT_RULES: rulesFile,
      INCLUDE_NAMES: `${boxes.prefix}*`,
      METRICS_PORT: String(port),
    });
    expect(await eventually(() => started(daemon!), 30_000)).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await stopped(daemon);
    await hook.close();
  });

  it('a container that exits with code 3 after 300 ms: `exited` within 2 s of its die, as a point and on /metrics', async () => {
    await run('exit3', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    const alert = await told(hook, 'exited', name('exit3'));
    within('exited', alert.receivedAt - (await eventMs(name('exit3'), 'die')), NOTIFY_MS);
    expect(alert.labels).toMatchObject({ severity: 'warning', image: 'local/busybox' });
    expect(alert.annotations.value).toBe('3');
    expect(alert.authorization).toBe('Bearer hook-s3cret');
    // the `alert` point among the daemon's others (stdout: line protocol), and the gauge top reads
    const point = () =>
      daemon!.stdout.find((l) => l.startsWith('alert,') && l.includes(`container_name=${name('exit3')},`));
    expect(await eventually(() => point() !== undefined, 10_000)).toBe(true);
    expect(point()).toMatch(/rule=exited,severity=warning,host=[^ ]+ firing=true,started_at=\d+i,value=3 \d+$/);
    const gauge = `dss_alerts_firing{rule="exited",severity="warning",container_name="${name('exit3')}"}`;
    expect(await eventually(async () => (await scrapeMetric(port, gauge)) === 1, 10_000)).toBe(true);
    expect(await scrapeMetric(port, 'dss_alerts_sent_total{receiver="webhook"}')).toBeGreaterThan(0);
    expect(daemon!.stderr).not.toContain('hook-s3cret');
  }, 60_000);

  it('--rm: exit 3 tells `exited` within 2 s and `gone`; a clean exit (code 0) tells nothing', async () => {
    await run('rm0', ['--rm'], ['sh', '-c', 'sleep 0.3; exit 0']);
    await run('rm3', ['--rm'], ['sh', '-c', 'sleep 0.3; exit 3']);
    const exited = await told(hook, 'exited', name('rm3'));
    within('exited --rm', exited.receivedAt - (await eventMs(name('rm3'), 'die')), NOTIFY_MS);
    const gone = await told(hook, 'gone', name('rm3'));
    within('gone --rm', gone.receivedAt - (await eventMs(name('rm3'), 'destroy')), NOTIFY_MS);
    // rm0 was destroyed before rm3 was: its removal was read by now, and told nothing
    expect(await eventMs(name('rm0'), 'destroy')).toBeLessThan(await eventMs(name('rm3'), 'destroy'));
    expect(hook.alerts.filter((a) => a.labels.container_name === name('rm0')).map(brief)).toEqual([]);
  }, 60_000);

  it('an OOM kill: `oom_killed` (critical) within 2 s of the oom event', async () => {
    await run(
      'oom',
      ['--memory', '8m', '--memory-swap', '8m'],
      ['sh', '-c', 'sleep 0.3; head -c 64m /dev/zero | tail'],
    );
    const alert = await told(hook, 'oom_killed', name('oom'));
    expect(alert.labels.severity).toBe('critical');
    within('oom_killed', alert.receivedAt - (await eventMs(name('oom'), 'oom')), NOTIFY_MS);
  }, 60_000);

  it('a failing healthcheck: `unhealthy` within 2 s of the health_status: unhealthy event', async () => {
    await run(
      'sick',
      ['--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1', '--health-timeout', '1s'],
      ['sleep', '3600'],
    );
    const alert = await told(hook, 'unhealthy', name('sick'));
    within('unhealthy', alert.receivedAt - (await eventMs(name('sick'), 'health_status: unhealthy')), NOTIFY_MS);
  }, 60_000);

  it('--restart always on a crashing command: `restart_loop` within 2 s of its third restart', async () => {
    await run('loop', ['--restart', 'always'], ['sh', '-c', 'sleep 0.2; exit 1']);
    const alert = await told(hook, 'restart_loop', name('loop'));
    expect(alert.labels.severity).toBe('critical');
    // the engine counts a restart when it decides on it, at the die: the third die is the third restart
    within('restart_loop', alert.receivedAt - (await eventMs(name('loop'), 'die', 3)), NOTIFY_MS);
    await dockerCli('rm', '-f', name('loop'));
  }, 60_000);

  it('a busy container held to --cpus 0.5: `hot` fires after its 5 s, resolves once it is stopped', async () => {
    // Four busy loops: one alone reaches 60-95 % of its half CPU on this shared, loaded 2-core
    // machine (load 9 to 18 while measured), never 80 for 5 s on end; four keep it at its quota.
    const loop = 'while :; do :; done';
    await run('hot1', ['--cpus', '0.5'], ['sh', '-c', `${loop} & ${loop} & ${loop} & ${loop}`]);
    const fired = await told(hook, 'hot', name('hot1'));
    // timed from the alert's own start (the first point over 80 of the run that held for 5 s)
    within('hot firing', fired.receivedAt - Date.parse(fired.startsAt) - HOT_FOR_MS, THRESHOLD_NOTIFY_MS);
    expect(Date.parse(fired.startsAt)).toBeGreaterThanOrEqual(await eventMs(name('hot1'), 'start'));
    expect(Number(fired.annotations.value)).toBeGreaterThan(80);
    await dockerCli('kill', name('hot1'));
    const resolved = await told(hook, 'hot', name('hot1'), 'resolved');
    // keep_firing_for is the rule's `for` (5 s) by default: resolved then
    const died = await eventMs(name('hot1'), 'die');
    within('hot resolved', resolved.receivedAt - died - HOT_FOR_MS, THRESHOLD_NOTIFY_MS);
    const gauge = `dss_alerts_firing{rule="hot",container_name="${name('hot1')}"}`;
    expect(await eventually(async () => Number.isNaN(await scrapeMetric(port, gauge)), 10_000)).toBe(true);
  }, 90_000);
});

describe('the alert state beside the spool (issue 27, 3.)', () => {
  const hook = new AlertWebhook();
  const spool = join(dir, 'spool');
  const daemons: RunningDaemon[] = [];
  beforeAll(() => hook.start());
  afterAll(async () => {
    for (const d of daemons) await stopped(d);
    await hook.close();
  });
  const start = async (): Promise<RunningDaemon> => {
    const d = spawnDaemon({
      ALERT_WEBHOOK_URL: hook.url,
      // a database that refuses: points spool; the alerts do not care
      INFLUX_URL: `http://127.0.0.1:${await freePort()}`,
      SPOOL_DIR: spool,
      SHUTDOWN_TIMEOUT_MS: '1000',
      INCLUDE_NAMES: `${boxes.prefix}*`,
      INCLUDE_STATES: 'running,exited',
      METRICS_PORT: '0',
    });
    daemons.push(d);
    expect(await eventually(() => started(d), 30_000)).toBe(true);
    return d;
  };
  const stop = async (d: RunningDaemon): Promise<void> => {
    d.process.kill('SIGTERM');
    await d.exited;
  };

  it('a restart does not tell again what it told; without the saved state it would', async () => {
    const first = await start();
    await run('kept', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    await told(hook, 'exited', name('kept'));
    await stop(first);
    const saved = JSON.parse(readFileSync(join(spool, 'alerts-state.json'), 'utf8')) as {
      entries: Record<string, { rule: string; phase: string }>;
    };
    expect(Object.values(saved.entries)).toContainEqual(expect.objectContaining({ rule: 'exited', phase: 'firing' }));

    // restarted: it lists `kept` (exited, code 3) again; a container that exits after tells the listing was read
    const second = await start();
    // what it restored: `kept`, and what the first run found exited among the suite's other containers
    expect(logLines(second).find((l) => l.msg === 'alerting on')?.restored).toBeGreaterThanOrEqual(1);
    await run('after', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    await told(hook, 'exited', name('after'));
    expect(hook.of('exited', name('kept')).map(brief)).toEqual([`firing:exited:${name('kept')}`]);
    await stop(second);

    // the control: the same restart without the state file tells `kept` again
    rmSync(join(spool, 'alerts-state.json'));
    const third = await start();
    expect(await eventually(() => hook.of('exited', name('kept')).length === 2, 20_000)).toBe(true);
    await stop(third);
  }, 120_000);
});

describe('alerts to a real Alertmanager (issue 27)', () => {
  const hook = new AlertWebhook();
  let am: OwnAlertmanager | undefined;
  let daemon: RunningDaemon | undefined;
  afterAll(async () => {
    await stopped(daemon);
    await am?.remove();
    await hook.close();
  });

  it('an exit appears in its /api/v2/alerts with our labels, and resolves when the container goes', async () => {
    await hook.start();
    am = await new OwnAlertmanager(hook.url).start();
    const amRules = join(dir, 'am-rules.yaml');
    // resolved as soon as the container is removed (keep_firing_for 0); gone left out to keep one alert
    writeFileSync(
      amRules,
      'rules:\n  - name: exited\n    when: exited\n    keep_firing_for: 0s\n  - name: gone\n    when: gone\n    enabled: false\n',
    );
    daemon = spawnDaemon({
      ALERTMANAGER_URL: am.url,
      ALERT_RULES: amRules,
      INCLUDE_NAMES: `${boxes.prefix}*`,
      METRICS_PORT: '0',
    });
    expect(await eventually(() => started(daemon!), 30_000)).toBe(true);
    await run('am3', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    const mine = async () =>
      (await am!.alerts()).filter((a: { labels: Record<string, string> }) => a.labels.container_name === name('am3'));
    expect(await eventually(async () => (await mine()).length === 1, 30_000)).toBe(true);
    const [alert] = await mine();
    expect(alert.labels).toMatchObject({ alertname: 'exited', severity: 'warning', image: 'local/busybox' });
    expect(alert.labels.container_id).toMatch(/^[0-9a-f]{64}$/);
    expect(alert.labels.host).toBeTruthy();
    expect(alert.annotations.summary).toBe(`${name('am3')} exited with code 3`);
    // Alertmanager tells its receiver (group_wait 1 s) before the alert resolves: it tells no
    // resolution of an alert it never told firing
    expect(await eventually(() => hook.of('exited', name('am3'), 'firing').length > 0, 30_000)).toBe(true);
    await dockerCli('rm', name('am3'));
    expect(await eventually(async () => (await mine()).length === 0, 30_000)).toBe(true);
    // and Alertmanager told its receiver the resolution
    expect(await eventually(() => hook.of('exited', name('am3'), 'resolved').length > 0, 30_000)).toBe(true);
  }, 120_000);
});
