import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertBed, brief, started, stopped, told } from '../support/alertBed.js';
import { AlertWebhook } from '../support/alertWebhook.js';
import { priorityCgroup } from '../support/cpuPriority.js';
import { type RunningDaemon, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { dockerCli } from '../support/dockerCli.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { eventually } from '../support/realEngine.js';

/**
 * Issue 27 on the real engine: the built daemon, its default rules and a rule file, notifying a
 * local webhook of what the engine announces. Each notice is timed from the engine's own event
 * (`docker events`' timeNano): within NOTIFY_MS of it, or, for a threshold, within
 * THRESHOLD_NOTIFY_MS of its `for` (or `keep_firing_for`) having passed.
 */
const { boxes, dir, name, run, eventMs } = alertBed('alerts');
/** The bound for a lifecycle notice (2 s), and for a threshold once its duration passed (5 s). */
const NOTIFY_MS = 2000;
const THRESHOLD_NOTIFY_MS = 5000;
const HOT_FOR_MS = 5000;

const rulesFile = join(dir, 'rules.yaml');
writeFileSync(
  rulesFile,
  [
    'rules:',
    '  - name: hot',
    // 50, not 80: a loop held to half a CPU reaches 100 % of its limit, but on this loaded 2-core
    // machine it once stayed under 80 for 30 s on end (the suite beside another one).
    '    when: cpu.limit_percent > 50',
    '    for: 5s',
    `    containers: ["${boxes.prefix}hot*"]`,
    '    severity: warning',
    // a label no TAG_LABELS puts on the points: the rule sees it from the container's status
    '  - name: shop-cpu',
    '    when: cpu.usage_percent >= 0',
    '    containers: { labels: ["team=shop"] }',
    '',
  ].join('\n'),
);

/** Each notice's latency (ms), printed at the end: the figures the commit quotes. */
const figures: Record<string, number> = {};
const within = (what: string, ms: number, bound: number): void => {
  figures[what] = ms;
  expect(ms, what).toBeLessThanOrEqual(bound);
  // told after the event, not before: a notice timed from the wrong event would pass the bound
  expect(ms, what).toBeGreaterThanOrEqual(0);
};

afterAll(() => console.info(`alert latencies (ms): ${JSON.stringify(figures)}`));

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

  it("a threshold rule's label globs see every label of the container, not only the tagged ones", async () => {
    await run('shop', ['--label', 'team=shop'], ['sleep', '3600']);
    await run('other', ['--label', 'team=other'], ['sleep', '3600']);
    const fired = await told(hook, 'shop-cpu', name('shop'));
    expect(fired.labels).not.toHaveProperty('team'); // labels of the alert: the points' tags, as ever
    // the other's points came (else the check below would hold of nothing)
    expect(
      await eventually(
        () => daemon!.stdout.some((l) => l.startsWith('cpu,') && l.includes(`container_name=${name('other')}`)),
        20_000,
      ),
    ).toBe(true);
    expect(hook.of('shop-cpu', name('other'))).toEqual([]);
    await dockerCli('rm', '-f', name('shop'), name('other'));
  }, 60_000);

  it('a busy container held to --cpus 0.5: `hot` fires after its 5 s, resolves once it is stopped', async () => {
    // In a cgroup of the most CPU weight (cpuPriority.ts): under /docker a busy loop reached 60-95 %
    // of its half CPU on this shared 2-core machine (load 9 to 18), never over 80 for 5 s on end.
    const priority = priorityCgroup('dss-test-alerts-priority');
    try {
      await run('hot1', ['--cpus', '0.5', '--cgroup-parent', priority.parent], ['sh', '-c', 'while :; do :; done']);
      const fired = await told(hook, 'hot', name('hot1'));
      // timed from the alert's own start (the first point over 50 of the run that held for 5 s)
      within('hot firing', fired.receivedAt - Date.parse(fired.startsAt) - HOT_FOR_MS, THRESHOLD_NOTIFY_MS);
      expect(Date.parse(fired.startsAt)).toBeGreaterThanOrEqual(await eventMs(name('hot1'), 'start'));
      expect(Number(fired.annotations.value)).toBeGreaterThan(50);
      await dockerCli('kill', name('hot1'));
      const resolved = await told(hook, 'hot', name('hot1'), 'resolved');
      // keep_firing_for is the rule's `for` (5 s) by default: resolved then
      const died = await eventMs(name('hot1'), 'die');
      within('hot resolved', resolved.receivedAt - died - HOT_FOR_MS, THRESHOLD_NOTIFY_MS);
    } finally {
      await dockerCli('rm', '-f', name('hot1')).catch(() => undefined);
      await priority.remove();
    }
    const gauge = `dss_alerts_firing{rule="hot",container_name="${name('hot1')}"}`;
    expect(await eventually(async () => Number.isNaN(await scrapeMetric(port, gauge)), 10_000)).toBe(true);
  }, 90_000);
});
