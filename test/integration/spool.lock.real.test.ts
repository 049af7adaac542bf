import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, type Spawner, logLines, spawnDaemon } from '../support/daemon.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { privateTmpfs } from '../support/privateTmpfs.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';

/** The spool folder's lock (issue 23), with real daemons: racing starters, a silent holder, a read-only disk. */
const boxes = testContainers('spoollock');
beforeAll(async () => {
  await realEngine();
  await boxes.removeAll();
  await boxes.run('box0', ['sleep', '3600']);
});
afterAll(() => boxes.removeAll());

const daemons: RunningDaemon[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of daemons.splice(0)) {
    if (running(d)) d.process.kill('SIGKILL'); // stopped ones too
    await d.exited;
  }
  for (const c of cleanups.splice(0).reverse()) await c();
});

const running = (d: RunningDaemon): boolean => d.process.exitCode === null && d.process.signalCode === null;
const started = (d: RunningDaemon): boolean => logLines(d).some((l) => l.msg === 'docker-stats-service started');
const logged = (d: RunningDaemon, start: string): boolean => logLines(d).some((l) => String(l.msg).startsWith(start));

/** A daemon spooling the suite's container into a database that never answers. */
async function daemon(spoolDir: string, env: Record<string, string> = {}, via?: Spawner): Promise<RunningDaemon> {
  const d = spawnDaemon(
    {
      INFLUX_URL: `http://127.0.0.1:${await freePort()}`,
      INCLUDE_NAMES: `${boxes.prefix}*`,
      FLUSH_INTERVAL_MS: '200',
      METRICS_PORT: '0',
      SHUTDOWN_TIMEOUT_MS: '1000',
      SPOOL_DIR: spoolDir,
      ...env,
    },
    [],
    via,
  );
  daemons.push(d);
  return d;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dss-lock-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A lock.sock left by a process killed with -9: the file stays, nothing listens on it. */
async function staleLock(dir: string): Promise<void> {
  const script = "require('net').createServer().listen(process.argv[1], () => console.log('ready'))";
  const holder = spawn(process.execPath, ['-e', script, join(dir, 'lock.sock')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await once(holder.stdout!, 'data');
  holder.kill('SIGKILL');
  await once(holder, 'exit');
}

const STARTERS = 8;
const ROUNDS = 10;

describe('the spool lock', () => {
  it(`${STARTERS} daemons meeting a stale lock at once, ${ROUNDS} times: exactly one holds the folder, the others exit 2 naming it`, async () => {
    const dir = tempDir();
    await staleLock(dir);
    for (let round = 0; round < ROUNDS; round++) {
      // DSS_TEST_LOCK_PAUSE_MS (test only) widens the windows between probing, removing and binding
      const starters = await Promise.all(
        Array.from({ length: STARTERS }, () => daemon(dir, { DSS_TEST_LOCK_PAUSE_MS: '400' })),
      );
      // settled: each one either runs on or has exited (a loser learns of the holder only once it listens)
      expect(await eventually(() => starters.every((d) => !running(d) || started(d)), 40_000)).toBe(true);
      const holders = starters.filter(running);
      expect(
        holders.map((d) => d.process.pid),
        `round ${round}`,
      ).toHaveLength(1);
      const holder = holders[0]!;
      for (const loser of starters.filter((d) => d !== holder)) {
        expect(await loser.exited).toBe(2);
        expect(loser.stderr).toContain(`SPOOL_DIR=${JSON.stringify(dir)} is in use by another docker-stats-service`);
        expect(loser.stderr).toContain(`pid ${holder.process.pid} on `);
      }
      holder.process.kill('SIGKILL'); // its lock.sock is the next round's stale lock
      await holder.exited;
      expect(existsSync(join(dir, 'lock.sock'))).toBe(true);
    }
  }, 300_000);

  it('a holder that does not answer the probe (stopped): the second exits 2 naming its pid, and that it did not answer', async () => {
    const dir = tempDir();
    const first = await daemon(dir);
    expect(await eventually(() => started(first), 20_000)).toBe(true);
    first.process.kill('SIGSTOP');
    const second = await daemon(dir);
    expect(await second.exited).toBe(2);
    expect(second.stderr).toContain(`SPOOL_DIR=${JSON.stringify(dir)} is in use by another docker-stats-service`);
    expect(second.stderr).toContain(`(pid ${first.process.pid} on `);
    expect(second.stderr).toContain('which did not answer within 2 s)');
  }, 60_000);

  it('a read-only disk at start: two daemons run unlocked; once it is writable one takes the lock, the other stops with 2 naming it, a third is refused', async () => {
    const disk = await privateTmpfs('16m');
    cleanups.push(() => disk.close());
    const dir = `${disk.dir}/spool`;
    disk.sh(`mkdir "${dir}" && mount -o remount,ro "${disk.dir}"`);
    const unlocked = 'SPOOL_DIR cannot take its lock (the disk refuses it)';
    const a = await daemon(dir, {}, disk.spawn);
    expect(await eventually(() => started(a), 20_000)).toBe(true);
    const b = await daemon(dir, {}, disk.spawn);
    expect(await eventually(() => started(b), 20_000)).toBe(true);
    for (const d of [a, b]) expect(logLines(d).find((l) => String(l.msg).startsWith(unlocked))?.code).toBe('EROFS');
    disk.sh(`mount -o remount,rw "${disk.dir}"`);
    // each tries the lock again every 5 s: the first to try takes it, the other finds it held
    expect(await eventually(() => !running(a) || !running(b), 30_000)).toBe(true);
    const [holder, other] = running(a) ? [a, b] : [b, a];
    expect(await other.exited).toBe(2);
    expect(logged(holder, 'SPOOL_DIR is locked again')).toBe(true);
    const taken = logLines(other).find((l) => l.level === 50 && String(l.msg).includes('is in use by another'));
    expect(String(taken?.msg)).toContain(`SPOOL_DIR=${JSON.stringify(dir)} is in use by another docker-stats-service`);
    expect(String(taken?.msg)).toContain(`(pid ${holder.process.pid} on `);
    expect(logged(other, 'stopping: flushing what is buffered')).toBe(true); // the graceful way out
    expect(disk.sh(`ls "${dir}"`).split('\n')).toContain('lock.sock');
    const third = await daemon(dir, {}, disk.spawn);
    expect(await third.exited).toBe(2);
    expect(third.stderr).toContain(`(pid ${holder.process.pid} on `);
    expect(running(holder)).toBe(true);
  }, 120_000);
});
