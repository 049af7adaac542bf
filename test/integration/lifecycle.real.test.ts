import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point } from '../../src/model/point.js';
import { type RunningDaemon, spawnDaemon } from '../support/daemon.js';
import { dockerCli } from '../support/dockerCli.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { parseLineProtocol } from '../support/parseLineProtocol.js';
import { TEST_LABEL, eventually, realEngine, testContainers } from '../support/realEngine.js';

const SUITE = 'life';
const boxes = testContainers(SUITE);
const name = (n: string): string => `${boxes.prefix}${n}`;
/** `docker run -d` as a user types it, labelled for cleanup. */
const run = (n: string, ...args: string[]): Promise<string> =>
  dockerCli('run', '-d', '--name', name(n), '--label', `${TEST_LABEL}=${SUITE}`, ...args);

const pointsOf = (daemon: RunningDaemon, measurement: string, container: string): Point[] =>
  daemon.stdout
    .filter((l) => l.startsWith(`${measurement},`))
    .map(parseLineProtocol)
    .filter((p) => p.tags.container_name === name(container));
const num = (v: unknown): number => Number(v);

/** A daemon writing to stdout, its /readyz answering once the engine is watched. */
async function startDaemon(env: Record<string, string>): Promise<RunningDaemon> {
  const port = await freePort();
  const daemon = spawnDaemon({ INCLUDE_NAMES: `${boxes.prefix}*`, METRICS_PORT: String(port), ...env });
  const healthy = await eventually(async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
    } catch {
      return false;
    }
  }, 20_000);
  if (!healthy) throw new Error(`the daemon did not become healthy: ${daemon.stderr}`);
  return daemon;
}

async function stop(daemon: RunningDaemon | undefined): Promise<void> {
  if (!daemon) return;
  daemon.process.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
}

describe('the container measurement on the real engine (issue 15)', () => {
  let daemon: RunningDaemon | undefined;
  beforeAll(async () => {
    await realEngine();
    await boxes.removeAll();
    daemon = await startDaemon({ TAG_LABELS: 'team' });
    await Promise.all([
      run('exit3', 'local/busybox', 'sh', '-c', 'sleep 2; exit 3'),
      run('blink', '--rm', 'local/busybox', 'sh', '-c', 'sleep 0.3; exit 3'),
      run('restarts', '--restart', 'on-failure:3', 'local/busybox', 'sh', '-c', 'sleep 1; exit 1'),
      run(
        'oom',
        '--memory',
        '16m',
        '--memory-swap',
        '16m',
        'local/busybox',
        'sh',
        '-c',
        // A 64 MB buffer that read() faults in: the usual memory-cgroup OOM reproducer. After a
        // second: an OOM within ms of the start comes before containerd watches the cgroup's OOM
        // notices, and the engine then reports neither the `oom` event nor OOMKilled (seen with
        // the daemon's stats requests slowing the start).
        'sleep 1; exec dd if=/dev/zero of=/dev/null bs=64M count=1',
      ),
      run(
        'sick',
        '--health-cmd',
        'false',
        '--health-interval',
        '1s',
        '--health-retries',
        '1',
        'local/busybox',
        'sleep',
        '600',
      ),
      run('busy', '--cpus', '0.5', 'local/busybox', 'sh', '-c', 'while :; do :; done'),
      run('team', '--label', 'team=core', 'local/busybox', 'sleep', '600'),
    ]);
  }, 60_000);
  afterAll(async () => {
    await stop(daemon);
    await boxes.removeAll();
  });
  const points = (measurement: string, container: string): Point[] => pointsOf(daemon!, measurement, container);

  it('a container that exits with code 3 after 2 s leaves exit_code=3i and running=false', async () => {
    const exited = () => points('container', 'exit3').find((p) => p.fields.exit_code !== undefined);
    expect(await eventually(() => exited() !== undefined, 20_000)).toBe(true);
    expect(exited()!.fields).toMatchObject({ exit_code: 3n, running: false, state: 'exited', oom_killed: false });
    // It was written while it ran, too, with its uptime.
    expect(points('container', 'exit3').some((p) => p.fields.running === true)).toBe(true);
  });

  it('one that lives 300 ms and is removed at once (--rm) still leaves exit_code=3i', async () => {
    const exited = () => points('container', 'blink').find((p) => p.fields.exit_code !== undefined);
    expect(await eventually(() => exited() !== undefined, 20_000)).toBe(true);
    expect(exited()!.fields).toMatchObject({ exit_code: 3n, running: false });
  });

  it('--restart on-failure:3: restart_count rises to 3', async () => {
    const counts = () => new Set(points('container', 'restarts').map((p) => num(p.fields.restart_count)));
    expect(await eventually(() => counts().has(3), 30_000)).toBe(true);
    expect([...counts()].sort()).toEqual([0, 1, 2, 3]);
  });

  it('--memory 16m, dd with a 64 MB buffer: oom_killed=true, at the oom event and after', async () => {
    const killed = () => points('container', 'oom').filter((p) => p.fields.oom_killed === true);
    const seen = (): string =>
      JSON.stringify(
        points('container', 'oom').map((p) => p.fields),
        (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v),
      );
    expect(await eventually(() => killed().some((p) => p.fields.state === 'exited'), 20_000), seen()).toBe(true);
    expect(killed().find((p) => p.fields.state === 'exited')!.fields.exit_code).toBe(137n);
  });

  it('a failing --health-cmd reaches health_status="unhealthy", with its failing streak', async () => {
    const sick = () => points('container', 'sick').find((p) => p.fields.health_status === 'unhealthy');
    expect(await eventually(() => sick() !== undefined, 20_000)).toBe(true);
    expect(num(sick()!.fields.health_failing_streak)).toBeGreaterThanOrEqual(1);
    expect(points('container', 'busy').every((p) => p.fields.health_status === undefined)).toBe(true);
  });

  it('--cpus 0.5, busy: limit_cpus 0.5 and limit_percent between 85 and 110', async () => {
    const limited = () => points('cpu', 'busy').filter((p) => p.fields.limit_percent !== undefined);
    expect(await eventually(() => limited().length >= 3, 20_000)).toBe(true);
    for (const { fields } of limited()) {
      expect(fields.limit_cpus).toBe(0.5);
      // the share of its limit: its usage over the 0.5 CPU it may use
      expect(num(fields.limit_percent)).toBeCloseTo(num(fields.usage_percent) / 0.5, 1);
      expect(num(fields.limit_percent)).toBeLessThanOrEqual(110);
    }
    // Busy, it reaches its limit; on a loaded machine not in every second, so the best of them.
    expect(Math.max(...limited().map((p) => num(p.fields.limit_percent)))).toBeGreaterThanOrEqual(85);
    // No limit, no field: never invented.
    expect(points('cpu', 'team').every((p) => p.fields.limit_percent === undefined)).toBe(true);
  });

  it('--label team=core with TAG_LABELS=team tags its points team=core, and the image tag is on every point', async () => {
    expect(await eventually(() => points('cpu', 'team').length > 0 && points('memory', 'team').length > 0)).toBe(true);
    for (const m of ['cpu', 'memory', 'container']) {
      const tags = points(m, 'team')[0]!.tags;
      expect(tags, m).toMatchObject({ team: 'core', image: 'local/busybox' });
    }
    expect(points('memory', 'busy')[0]!.tags).not.toHaveProperty('team');
  });
});

describe('field selection and stopped containers on the real engine', () => {
  beforeAll(async () => {
    await realEngine();
    await boxes.removeAll();
    await run('sleeper', 'local/busybox', 'sleep', '600');
    await run('done', 'local/busybox', 'true');
  }, 30_000);
  afterAll(() => boxes.removeAll());

  it('FIELDS=memory.usage_bytes leaves only that field, and no other measurement', async () => {
    const daemon = await startDaemon({ FIELDS: 'memory.usage_bytes' });
    try {
      expect(await eventually(() => pointsOf(daemon, 'memory', 'sleeper').length >= 2, 20_000)).toBe(true);
    } finally {
      await stop(daemon);
    }
    const lines = daemon.stdout.filter((l) => l.includes(name('sleeper')));
    expect(lines.every((l) => l.startsWith('memory,'))).toBe(true);
    for (const p of pointsOf(daemon, 'memory', 'sleeper')) expect(Object.keys(p.fields)).toEqual(['usage_bytes']);
  });

  it('INCLUDE_STATES=running,exited: an exited container gets container points every interval, no stats', async () => {
    const daemon = await startDaemon({ INCLUDE_STATES: 'running,exited', SAMPLE_INTERVAL_MS: '500' });
    try {
      expect(await eventually(() => pointsOf(daemon, 'container', 'done').length >= 3, 20_000)).toBe(true);
    } finally {
      await stop(daemon);
    }
    const done = pointsOf(daemon, 'container', 'done');
    expect(done.every((p) => p.fields.state === 'exited' && p.fields.exit_code === 0n)).toBe(true);
    expect(daemon.stdout.some((l) => !l.startsWith('container,') && l.includes(name('done')))).toBe(false);
    expect(pointsOf(daemon, 'container', 'sleeper').every((p) => p.fields.running === true)).toBe(true);
  });
});
