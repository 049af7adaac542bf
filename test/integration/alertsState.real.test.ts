import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertBed, brief, started, stopped, told } from '../support/alertBed.js';
import { AlertWebhook } from '../support/alertWebhook.js';
import { type RunningDaemon, logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { dockerCli } from '../support/dockerCli.js';
import { OwnAlertmanager } from '../support/ownAlertmanager.js';
import { privateTmpfs } from '../support/privateTmpfs.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { eventually } from '../support/realEngine.js';
import { VM_URL } from '../support/victoriaMetrics.js';

/**
 * Issue 27 on the real engine, beyond the webhook's timings (alerts.real.test.ts): the state kept
 * beside the spool across a real restart, a real Alertmanager, and a receiver that never answers.
 */
const { boxes, dir, name, run } = alertBed('alertstate');

describe('the alert state beside the spool (issue 27, 3.)', () => {
  const hook = new AlertWebhook();
  const spool = join(dir, 'spool');
  const daemons: RunningDaemon[] = [];
  beforeAll(() => hook.start());
  afterAll(async () => {
    for (const d of daemons) await stopped(d);
    await hook.close();
  });
  const start = async (env: Record<string, string> = {}): Promise<RunningDaemon> => {
    const d = spawnDaemon({
      ALERT_WEBHOOK_URL: hook.url,
      // a database that refuses: points spool; the alerts do not care
      INFLUX_URL: `http://127.0.0.1:${await freePort()}`,
      SPOOL_DIR: spool,
      SHUTDOWN_TIMEOUT_MS: '1000',
      INCLUDE_NAMES: `${boxes.prefix}*`,
      INCLUDE_STATES: 'running,exited',
      METRICS_PORT: '0',
      ...env,
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

  it('a notice refused as the daemon stops is sent again before it exits', async () => {
    hook.refuseNext = 1;
    // A database that takes the points: the stop has nothing else to wait for.
    const d = await start({
      SHUTDOWN_TIMEOUT_MS: '20000',
      INFLUX_URL: VM_URL,
      INFLUX_ORG: 'test',
      INFLUX_BUCKET: 'alertstop',
    });
    await run('at-stop', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    expect(await eventually(() => hook.refused === 1, 30_000)).toBe(true);
    d.process.kill('SIGTERM'); // its retry waits 3 s (Retry-After): the stop must not cut it
    await d.exited;
    expect(d.process.exitCode).toBe(0);
    expect(hook.of('exited', name('at-stop')).map(brief)).toEqual([`firing:exited:${name('at-stop')}`]);
  }, 120_000);

  it('a notice its receiver refused through the whole stop is sent at the next start, once', async () => {
    hook.refuseNext = 1_000_000;
    const first = await start();
    await run('outbox', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    const refusedBefore = hook.refused;
    expect(await eventually(() => hook.refused > refusedBefore, 30_000)).toBe(true);
    await stop(first); // SHUTDOWN_TIMEOUT 1 s: the retry (Retry-After 3 s) cannot happen
    const saved = JSON.parse(readFileSync(join(spool, 'alerts-state.json'), 'utf8')) as {
      outbox?: Record<string, { rule: string; container: { name: string } }[]>;
    };
    expect(saved.outbox?.webhook?.map((n) => `${n.rule}:${n.container.name}`)).toContain(`exited:${name('outbox')}`);
    hook.refuseNext = 0;
    // the state says it was told: without the outbox, nothing would tell it again
    const second = await start();
    await told(hook, 'exited', name('outbox'));
    await run('outbox-after', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    await told(hook, 'exited', name('outbox-after'));
    expect(hook.of('exited', name('outbox')).map(brief)).toEqual([`firing:exited:${name('outbox')}`]);
    await stop(second);
  }, 120_000);

  it('a notice not yet taken when the daemon is killed (-9) is sent at the next start', async () => {
    hook.refuseNext = 1_000_000;
    const first = await start();
    await run('killed', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    const refusedBefore = hook.refused;
    expect(await eventually(() => hook.refused > refusedBefore, 30_000)).toBe(true);
    // the state (and what waits with it) is written at most a second after a change
    const waiting = () => readFileSync(join(spool, 'alerts-state.json'), 'utf8').includes(name('killed'));
    expect(await eventually(waiting, 10_000)).toBe(true);
    first.process.kill('SIGKILL');
    await first.exited;
    hook.refuseNext = 0;
    const second = await start();
    await told(hook, 'exited', name('killed'));
    expect(hook.of('exited', name('killed')).map(brief)).toEqual([`firing:exited:${name('killed')}`]);
    await stop(second);
  }, 120_000);

  it('a notice its receiver took just before a kill -9 is not sent again at the next start', async () => {
    const first = await start();
    await run('taken-killed', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    // killed as soon as the receiver has it (within 10 ms): the daemon heard the 200 by then
    const until = Date.now() + 30_000;
    while (hook.of('exited', name('taken-killed')).length === 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    expect(hook.of('exited', name('taken-killed'))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 50));
    first.process.kill('SIGKILL');
    await first.exited;
    const second = await start();
    await run('taken-after', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    await told(hook, 'exited', name('taken-after'));
    // a Slack channel told the same exit twice
    expect(hook.of('exited', name('taken-killed')).map(brief)).toEqual([`firing:exited:${name('taken-killed')}`]);
    await stop(second);
  }, 120_000);

  it('an alert of a rule taken out of the rule file before a restart is resolved, at its severity', async () => {
    const rules = join(dir, 'dropped-rule.yaml');
    writeFileSync(rules, 'rules:\n  - name: crashed\n    when: exited\n    severity: critical\n');
    const first = await start({ ALERT_RULES: rules });
    await run('dropped', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    await told(hook, 'crashed', name('dropped'));
    await stop(first);
    writeFileSync(rules, 'rules:\n  - name: other\n    when: oom_killed\n');
    const second = await start({ ALERT_RULES: rules });
    const resolved = await told(hook, 'crashed', name('dropped'), 'resolved');
    expect(resolved.labels.severity).toBe('critical');
    expect(hook.of('crashed', name('dropped')).map(brief)).toEqual([
      `firing:crashed:${name('dropped')}`,
      `resolved:crashed:${name('dropped')}`,
    ]);
    await stop(second);
  }, 120_000);

  it('an alert restored for a container removed while the daemon was down resolves', async () => {
    const port = await freePort();
    const first = await start({ METRICS_PORT: String(port) });
    await run('removed', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    await told(hook, 'exited', name('removed'));
    await stop(first);
    await dockerCli('rm', '-f', name('removed'));

    // no event, listing or status will ever tell this run of `removed`: without a look at the
    // engine it stayed firing on /metrics and was told again at every repeat, forever
    // (exited's keep_firing_for, 5m by default, counts from the removal seen: 0s here)
    const rules = join(dir, 'exited-now.yaml');
    writeFileSync(rules, 'rules:\n  - name: exited\n    when: exited\n    keep_firing_for: 0s\n');
    const second = await start({ METRICS_PORT: String(port), ALERT_REPEAT_INTERVAL: '2s', ALERT_RULES: rules });
    await told(hook, 'exited', name('removed'), 'resolved');
    const gauge = `dss_alerts_firing{rule="exited",container_name="${name('removed')}"}`;
    expect(await eventually(async () => Number.isNaN(await scrapeMetric(port, gauge)), 20_000)).toBe(true);
    // gone is not told: the daemon did not watch it go
    expect(hook.of('gone', name('removed'))).toEqual([]);
    await stop(second);
  }, 120_000);

  it('restored for an exited container the states do not watch: resolves once it is removed', async () => {
    const first = await start();
    await run('unwatched', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    await told(hook, 'exited', name('unwatched'));
    await stop(first);

    // INCLUDE_STATES running: the listing leaves the exited container out, so its destroy
    // is of a container the lifecycle does not know, and tells no removal
    const rules = join(dir, 'exited-at-once.yaml');
    writeFileSync(rules, 'rules:\n  - name: exited\n    when: exited\n    keep_firing_for: 0s\n');
    const second = await start({ INCLUDE_STATES: 'running', ALERT_REPEAT_INTERVAL: '2s', ALERT_RULES: rules });
    await eventually(() => hook.of('exited', name('unwatched')).length >= 2, 20_000); // restored, repeated
    await dockerCli('rm', '-f', name('unwatched'));
    await told(hook, 'exited', name('unwatched'), 'resolved');
    await stop(second);
  }, 120_000);
});

describe('alerts to a real Alertmanager (issue 27)', () => {
  const hook = new AlertWebhook();
  let am: OwnAlertmanager | undefined;
  const daemons: RunningDaemon[] = [];
  beforeAll(async () => {
    await hook.start();
    am = await new OwnAlertmanager(hook.url).start();
  }, 60_000);
  afterAll(async () => {
    for (const d of daemons) await stopped(d);
    await am?.remove();
    await hook.close();
  });

  it('an exit appears in its /api/v2/alerts with our labels, and resolves when the container goes', async () => {
    const amRules = join(dir, 'am-rules.yaml');
    // resolved as soon as the container is removed (keep_firing_for 0); gone left out to keep one alert
    writeFileSync(
      amRules,
      'rules:\n  - name: exited\n    when: exited\n    keep_firing_for: 0s\n  - name: gone\n    when: gone\n    enabled: false\n',
    );
    const daemon = spawnDaemon({
      ALERTMANAGER_URL: am!.url,
      ALERT_RULES: amRules,
      INCLUDE_NAMES: `${boxes.prefix}*`,
      METRICS_PORT: '0',
    });
    daemons.push(daemon);
    expect(await eventually(() => started(daemon), 30_000)).toBe(true);
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
    // gone before the next test: its posts to this Alertmanager would be taken for the next one's
    await stopped(daemon);
  }, 120_000);

  it('the alerts a restored state has firing are posted again at the start, not left to expire', async () => {
    const spool = join(dir, 'am-spool');
    const start = async (): Promise<RunningDaemon> => {
      const d = spawnDaemon({
        ALERTMANAGER_URL: am!.url,
        SPOOL_DIR: spool,
        INFLUX_URL: VM_URL,
        INFLUX_ORG: 'test',
        INFLUX_BUCKET: 'amrestart',
        INCLUDE_NAMES: `${boxes.prefix}*`,
        INCLUDE_STATES: 'running,exited',
        METRICS_PORT: '0',
      });
      daemons.push(d);
      expect(await eventually(() => started(d), 30_000)).toBe(true);
      return d;
    };
    const updatedAt = async (): Promise<number | undefined> => {
      const alert = (await am!.alerts()).find(
        (a: { labels: Record<string, string> }) =>
          a.labels.alertname === 'exited' && a.labels.container_name === name('amkeep'),
      ) as { updatedAt: string } | undefined;
      return alert ? Date.parse(alert.updatedAt) : undefined;
    };
    const first = await start();
    await run('amkeep', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    expect(await eventually(async () => (await updatedAt()) !== undefined, 30_000)).toBe(true);
    first.process.kill('SIGTERM');
    await first.exited;
    const before = (await updatedAt())!;
    // Alertmanager keeps an alert posted without an end for its resolve_timeout (5 min) from
    // the last post: a restart that posts nothing until the alert's next repeat lets it expire
    await start();
    expect(await eventually(async () => ((await updatedAt()) ?? 0) > before, 20_000)).toBe(true);
  }, 120_000);
});

describe('a receiver that never answers (issue 27, 2.)', () => {
  let daemon: RunningDaemon | undefined;
  const held: Socket[] = [];
  const silent = createServer((socket) => void held.push(socket)); // takes the request, never answers
  afterAll(async () => {
    await stopped(daemon);
    held.forEach((s) => s.destroy());
    silent.close();
  });

  it('holds up nothing: the alert point and the stats go on while its POST hangs', async () => {
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = await freePort();
    daemon = spawnDaemon({
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`,
      INCLUDE_NAMES: `${boxes.prefix}*`,
      METRICS_PORT: String(port),
    });
    expect(await eventually(() => started(daemon!), 30_000)).toBe(true);
    await run('hang-busy', [], ['sleep', '3600']);
    await run('hang-exit', [], ['sh', '-c', 'sleep 0.3; exit 3']);
    const alertPoint = () =>
      daemon!.stdout.some((l) => l.startsWith('alert,') && l.includes(`container_name=${name('hang-exit')},`));
    expect(await eventually(alertPoint, 20_000)).toBe(true);
    expect(await eventually(() => held.length > 0, 10_000)).toBe(true);
    // while the POST hangs, the running container's points keep coming
    const cpuPoints = () =>
      daemon!.stdout.filter((l) => l.startsWith('cpu,') && l.includes(`container_name=${name('hang-busy')} `)).length;
    const before = cpuPoints();
    expect(await eventually(() => cpuPoints() >= before + 3, 20_000)).toBe(true);
    expect(await scrapeMetric(port, 'dss_alerts_sent_total{receiver="webhook"}')).toBe(0);
  }, 90_000);
});

describe('the alert state on a full disk', () => {
  const hook = new AlertWebhook();
  beforeAll(() => hook.start());
  afterAll(() => hook.close());

  it('a state write the disk refuses leaves no partial file holding its last bytes (the spool needs them)', async () => {
    const disk = await privateTmpfs('4m');
    const d = spawnDaemon(
      {
        ALERT_WEBHOOK_URL: hook.url,
        INFLUX_URL: VM_URL,
        INFLUX_ORG: 'test',
        INFLUX_BUCKET: 'alertdisk',
        SPOOL_DIR: `${disk.dir}/spool`,
        SHUTDOWN_TIMEOUT_MS: '1000',
        INCLUDE_NAMES: `${boxes.prefix}*`,
        INCLUDE_STATES: 'running,exited',
        METRICS_PORT: '0',
      },
      [],
      disk.spawn,
    );
    try {
      expect(await eventually(() => started(d), 30_000)).toBe(true);
      disk.fill(4096); // one page left
      // an entry of 8 KB (its container's labels): the state cannot fit
      await run('full', ['--label', `big=${'y'.repeat(8000)}`], ['sh', '-c', 'sleep 0.3; exit 3']);
      await told(hook, 'exited', name('full'));
      const refused = () => logLines(d).some((l) => String(l.msg).startsWith('cannot save the alert state'));
      expect(await eventually(refused, 10_000)).toBe(true);
      const tmp = Number(disk.sh(`stat -c %s "${disk.dir}/spool/alerts-state.json.tmp" 2>/dev/null || echo 0`));
      expect(tmp).toBe(0);
    } finally {
      d.process.kill('SIGTERM');
      await stopped(d);
      await disk.close();
    }
  }, 120_000);
});
