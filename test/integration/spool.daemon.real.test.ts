import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { privateTmpfs } from '../support/privateTmpfs.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';

/** The daemon's spool against the faults of issue 23: a full disk under it, and a second daemon on it. */
const boxes = testContainers('spooldaemon');
beforeAll(async () => {
  await realEngine();
  await boxes.removeAll();
  for (let i = 0; i < 4; i++) await boxes.run(`box${i}`, ['sleep', '3600']);
});
afterAll(() => boxes.removeAll());

const started = (d: RunningDaemon): boolean => logLines(d).some((l) => l.msg === 'docker-stats-service started');
async function stopped(d: RunningDaemon): Promise<void> {
  if (d.process.exitCode === null && d.process.signalCode === null) d.process.kill('SIGKILL');
  await d.exited;
}

/** A daemon that collects from the suite's containers into a database that never answers: everything spools. */
async function spoolingDaemon(spoolDir: string, env: Record<string, string> = {}) {
  const port = await freePort();
  return {
    port,
    env: {
      INFLUX_URL: `http://127.0.0.1:${await freePort()}`,
      INCLUDE_NAMES: `${boxes.prefix}*`,
      INTERNAL_METRICS: 'true',
      FLUSH_INTERVAL_MS: '200',
      SPOOL_DIR: spoolDir,
      METRICS_PORT: String(port),
      ...env,
    },
  };
}

describe('the daemon and its spool (issue 23)', () => {
  it('a full disk under the spool: the daemon runs on, holds points in memory, drops past MAX_BUFFER_SIZE (counted), warns once, resumes by itself', async () => {
    const disk = await privateTmpfs('2m');
    // The stop waits for the write in flight and a last one, each with its retries (up to 7 s each,
    // jittered): the default 10 s timeout would sometimes cut it short, and the totals line with it.
    const { port, env } = await spoolingDaemon(`${disk.dir}/spool`, {
      MAX_BUFFER_SIZE: '30KB',
      SHUTDOWN_TIMEOUT_MS: '60000',
    });
    const d = spawnDaemon(env, [], disk.spawn);
    try {
      expect(await eventually(() => started(d), 20_000)).toBe(true);
      // MAX_SPOOL_SIZE (1 GB by default) cannot fit a 2 MB disk: said at start, with both figures
      const room = logLines(d).find((l) => String(l.msg).startsWith('MAX_SPOOL_SIZE'));
      expect(room).toMatchObject({ level: 40, maxSpoolSize: 1e9 });
      expect(Number(room!.roomBytes)).toBeLessThanOrEqual(2 * 2 ** 20);
      disk.fill();
      const dropped = () => scrapeMetric(port, 'dss_points_dropped_total{reason="disk_error"}');
      expect(await eventually(async () => (await dropped()) > 0, 30_000)).toBe(true);
      expect(await scrapeMetric(port, 'dss_spool_disk_faults')).toBe(1);
      disk.unfill();
      expect(await eventually(async () => (await scrapeMetric(port, 'dss_spool_disk_faults')) === 0, 10_000)).toBe(
        true,
      );
      expect(d.process.exitCode).toBe(null);
      d.process.kill('SIGTERM');
      expect(await d.exited).toBe(0);
    } finally {
      await stopped(d);
      await disk.close();
    }
    const lines = logLines(d);
    expect(lines.filter((l) => String(l.msg).startsWith('the disk refuses the spool: new points wait'))).toHaveLength(
      1,
    );
    expect(lines.filter((l) => l.msg === 'the disk takes the spool again')).toHaveLength(1);
    const totals = lines.find((l) => String(l.msg).startsWith('stopped'));
    expect(totals, JSON.stringify(lines.slice(-3))).toBeDefined();
    if (totals === undefined) return;
    // every point collected is written, rejected, dropped or still spooled
    expect(Number(totals.dropped)).toBeGreaterThan(0);
    expect(totals.collected).toBe(
      Number(totals.written) + Number(totals.rejected) + Number(totals.dropped) + Number(totals.spooled),
    );
  }, 120_000);

  it('two daemons on one SPOOL_DIR: the second exits 2 naming the folder and the holder; a dead holder is taken over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dss-spool-lock-'));
    const first = spawnDaemon((await spoolingDaemon(dir)).env);
    let third: RunningDaemon | undefined;
    try {
      expect(await eventually(() => started(first), 20_000)).toBe(true);
      const sinkDir = join(dir, 'influxdb'); // each sink spools in its own folder
      expect(await eventually(() => readdirSync(sinkDir).some((f) => f.endsWith('.seg')), 10_000)).toBe(true);
      const segments = readdirSync(sinkDir).filter((f) => f.endsWith('.seg'));
      const second = spawnDaemon((await spoolingDaemon(dir)).env);
      expect(await second.exited).toBe(2);
      expect(second.stderr).toContain(`SPOOL_DIR=${JSON.stringify(dir)} is in use by another docker-stats-service`);
      expect(second.stderr).toContain(`pid ${first.process.pid}`);
      for (const segment of segments) expect(readdirSync(sinkDir)).toContain(segment); // nothing of the first's deleted
      first.process.kill('SIGKILL');
      await first.exited;
      const { port, env } = await spoolingDaemon(dir);
      third = spawnDaemon(env);
      expect(await eventually(() => started(third!), 20_000)).toBe(true);
      expect(await eventually(async () => (await scrapeMetric(port, 'dss_points_replayed_total')) > 0, 10_000)).toBe(
        true,
      );
    } finally {
      await stopped(first);
      if (third) await stopped(third);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
