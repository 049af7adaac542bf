import { firstValueFrom, take, takeWhile, tap, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTopCli } from '../../src/top/topCli.js';
import { viewFeed } from '../../src/top/viewFeed.js';
import type { ContainerRow } from '../../src/view/containerRow.js';
import { captureLogger } from '../support/captureLogger.js';
import { spawnDaemon } from '../support/daemon.js';
import { TEST_LABEL, control, realEngine, testContainers } from '../support/realEngine.js';

// `docker-stats-service top`'s snapshot mode (piped, or --once) against the real engine.
const containers = testContainers('top');
const only = { INCLUDE_LABELS: 'dss-test=top' };
const MiB = 1024 * 1024;

/** Runs `docker-stats-service top ...` with stdout a pipe; resolves with its exit code and output. */
async function top(args: string[], env: Record<string, string> = only) {
  const run = spawnDaemon(env, ['top', ...args]);
  const code = await run.exited;
  return { code, stdout: run.stdout.join('\n'), stderr: run.stderr };
}

beforeAll(async () => {
  await realEngine();
  await containers.removeAll();
  await containers.run('busy', ['sh', '-c', 'while :; do :; done']);
  await containers.run('idle', ['sleep', '3600']);
  await containers.run('memory', ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=128; sleep 3600'], {
    ShmSize: 256 * MiB,
  });
});
afterAll(() => containers.removeAll());

describe('top: one snapshot for scripts', () => {
  it('--once --format json: one object per container that parses, with plausible values', async () => {
    const { code, stdout, stderr } = await top(['--once', '--format', 'json']);
    expect(code, stderr).toBe(0);
    const rows = stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, any>);
    const byName: Record<string, any> = Object.fromEntries(
      rows.map((r) => [String(r.name).replace(containers.prefix, ''), r]),
    );
    expect(Object.keys(byName).sort()).toEqual(['busy', 'idle', 'memory']);
    // A busy loop's share of 2 shared cores (other suites run beside): well above idle, not a set figure.
    expect(byName.busy.cpu_percent).toBeGreaterThan(Math.max(5, 10 * byName.idle.cpu_percent));
    expect(byName.idle.cpu_percent).toBeLessThan(5);
    expect(byName.memory.memory_used_bytes).toBeGreaterThan(100 * MiB);
    expect(byName.idle.memory_used_bytes).toBeLessThan(20 * MiB);
    for (const row of rows) {
      expect(row).toMatchObject({
        state: 'running',
        image: 'local/busybox',
        restarts: 0,
        labels: { 'dss-test': 'top' },
      });
      expect(row.id).toMatch(/^[0-9a-f]{64}$/);
      expect(row.uptime_seconds).toBeGreaterThan(0);
      expect(row.memory_limit_bytes).toBeGreaterThan(row.memory_used_bytes);
      expect(row.interfaces.map((i: { name: string }) => i.name)).toEqual(['eth0']);
      expect(row.net_rx_bytes_per_second).toBeGreaterThanOrEqual(0);
    }
  });

  it('piped without --once: the same snapshot as a plain table, every column, no colours', async () => {
    const { code, stdout, stderr } = await top([], { ...only, FORCE_COLOR: '1' });
    expect(code, stderr).toBe(0);
    const [title, ...lines] = stdout.split('\n').filter((l) => l !== '');
    expect(title).toMatch(
      /^NAME +IMAGE +STATUS +CPU% +LIM% +MEM +LIMIT +MEM% +RX\/s +TX\/s +RD\/s +WR\/s +PIDS +RST +UPTIME$/,
    );
    expect(lines.map((l) => l.split(/ +/)[0])).toEqual(['busy', 'idle', 'memory'].map((n) => containers.prefix + n));
    expect(lines.every((l) => / running +\d/.test(l))).toBe(true);
    expect(stdout).not.toContain('\u001b[');
  });

  it('an engine that does not answer: what there is, then exit 1 naming the engine and why', async () => {
    const { code, stdout, stderr } = await top(['--once'], { DOCKER_HOST: 'unix:///tmp/dss-test-no-engine.sock' });
    expect(code).toBe(1);
    expect(stdout.trim()).toMatch(/^NAME +IMAGE/);
    expect(stderr).toContain(
      'docker-stats-service top: cannot reach the engine at unix:///tmp/dss-test-no-engine.sock: connect ENOENT',
    );
  });

  it('bad flags: exit 2, naming what was wrong', async () => {
    const format = await top(['--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format.*xml.*table, json/);
    const daemon = await top(['--once', '--daemon', 'ftp://host:9417']);
    expect(daemon.code).toBe(2);
    expect(daemon.stderr).toContain('--daemon "ftp://host:9417": only http:// and https:// addresses serve /metrics');
  });
});

describe('top: a snapshot of a container whose labels carry control characters', () => {
  const esc = testContainers('topesc');
  afterAll(() => esc.removeAll());
  // OSC 2 (a terminal's title), DEL, and U+009B (CSI on some terminals), which JSON.stringify leaves raw.
  const note = '\u001b]2;pwned\u0007\u007f\u009b2J';

  it('--once --format json: none of them as they are in the output; the label parses back whole', async () => {
    await esc.removeAll();
    const c = await control.createContainer({
      Image: 'local/busybox',
      name: `${esc.prefix}labels`,
      Cmd: ['sleep', '3600'],
      Labels: { [TEST_LABEL]: 'topesc', note },
      StopTimeout: 0,
    });
    await c.start();
    const { code, stdout, stderr } = await top(['--once', '--format', 'json'], { INCLUDE_LABELS: 'dss-test=topesc' });
    expect(code, stderr).toBe(0);
    expect(stdout.trimEnd()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(stdout).toContain('"note":"\\u001b]2;pwned\\u0007\\u007f\\u009b2J"');
    expect(JSON.parse(stdout.trim()).labels.note).toBe(note);
  });
});

describe('top: a network disconnected from a container on two', () => {
  const net = testContainers('topnet');
  const network = `${net.prefix}second`;
  const removeAll = async (): Promise<void> => {
    await net.removeAll();
    await control
      .getNetwork(network)
      .remove()
      .catch(() => undefined); // not there
  };
  afterAll(removeAll);

  it('its interface leaves the row and the totals; no rate is ever negative', async () => {
    await removeAll();
    await control.createNetwork({ Name: network, Labels: { 'dss-test': 'topnet' } });
    const two = await net.run('two', ['sleep', '3600']); // eth0 on the default bridge
    await control.getNetwork(network).connect({ Container: two.id }); // eth1
    // Traffic on eth1: a neighbour on the second network pings it.
    await net.run('pinger', ['ping', '-i', '0.2', `${net.prefix}two`], { NetworkMode: network });
    const { config } = parseTopCli([], { INCLUDE_LABELS: 'dss-test=topnet', INCLUDE_NAMES: `${net.prefix}two` });
    const seen: ContainerRow[] = [];
    let disconnected: Promise<unknown> | undefined;
    const names = (row: ContainerRow): string => row.interfaces.map((i) => i.name).join('+');
    const rows = viewFeed(config, { log: captureLogger() }).pipe(
      tap(({ rows: [row] }) => {
        if (!row) return;
        seen.push(row);
        // Once eth1 has a rate, the network goes.
        if (!disconnected && (row.interfaces.find((i) => i.name === 'eth1')?.rxPerSec ?? 0) > 0) {
          disconnected = control.getNetwork(network).disconnect({ Container: two.id, Force: true });
        }
      }),
      // Up to three refreshes after the row shows eth0 alone, or 20 refreshes.
      takeWhile(() => seen.filter((r) => disconnected && names(r) === 'eth0').length < 3),
      take(20),
      toArray(),
    );
    await firstValueFrom(rows);
    await disconnected;
    const shown = seen.map(names).join(' ');
    expect(shown).toMatch(/eth0\+eth1.*eth0$/);
    for (const row of seen) {
      const rates = row.interfaces.flatMap((i) => [i.rxPerSec ?? 0, i.txPerSec ?? 0]);
      expect(Math.min(...rates, row.netRxPerSec ?? 0, row.netTxPerSec ?? 0), shown).toBeGreaterThanOrEqual(0);
      const sum = row.interfaces.reduce((a, i) => a + (i.rxPerSec ?? 0), 0);
      expect(row.netRxPerSec ?? 0).toBeCloseTo(sum, 6);
    }
    const last = seen.at(-1)!;
    expect(last.interfaces.map((i) => i.name)).toEqual(['eth0']);
  }, 60_000);
});
