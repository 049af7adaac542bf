import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { INFLUX1_PASSWORD, INFLUX1_URL, INFLUX1_USER, influxQuery } from '../support/influx1.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';

const boxes = testContainers('influx1');
const DB = `dss_test_${process.pid}`;
const SLEEPER = `${boxes.prefix}sleeper`;

function daemonFor(env: Record<string, string>, port = 0): RunningDaemon {
  return spawnDaemon({
    INCLUDE_NAMES: `${boxes.prefix}*`,
    INFLUX_URL: INFLUX1_URL,
    INFLUX_DB: DB,
    INFLUX_USERNAME: INFLUX1_USER,
    FLUSH_INTERVAL_MS: '500',
    METRICS_PORT: String(port),
    ...env,
  });
}

async function stop(daemon: RunningDaemon): Promise<number | null> {
  daemon.process.kill('SIGTERM');
  return daemon.exited;
}

describe('InfluxDB 1.6, the real one: its /write API (INFLUX_DB)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dss-influx1-'));
  beforeAll(async () => {
    await realEngine();
    await influxQuery(`CREATE DATABASE ${DB}`);
    await boxes.removeAll();
    await boxes.run('sleeper', ['sleep', '600']);
  }, 30_000);
  afterAll(async () => {
    await boxes.removeAll();
    await influxQuery(`DROP DATABASE ${DB}`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('points come back through SELECT with their tags, integer fields as integers (password from a file)', async () => {
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${INFLUX1_PASSWORD}\n`);
    const daemon = daemonFor({ INFLUX_PASSWORD_FILE: passwordFile });
    const memory = async () =>
      influxQuery(`SELECT usage_bytes, image, container_id FROM memory WHERE container_name = '${SLEEPER}'`, DB);
    const container = async () =>
      influxQuery(`SELECT running, restart_count FROM container WHERE container_name = '${SLEEPER}'`, DB);
    try {
      expect(await eventually(async () => (await memory()).length > 0 && (await container()).length > 0, 30_000)).toBe(
        true,
      );
    } finally {
      expect(await stop(daemon)).toBe(0);
    }
    const [series] = await memory();
    const row = Object.fromEntries(series!.columns.map((c, i) => [c, series!.values[0]![i]]));
    expect(row.image).toBe('local/busybox');
    expect(row.container_id).toMatch(/^[0-9a-f]{64}$/);
    expect(Number.isInteger(row.usage_bytes)).toBe(true);
    const types = await influxQuery('SHOW FIELD KEYS FROM memory', DB);
    const typeOf = Object.fromEntries(types[0]!.values.map(([k, t]) => [k, t]));
    expect(typeOf.usage_bytes).toBe('integer');
    const lifecycle = await influxQuery('SHOW FIELD KEYS FROM container', DB);
    expect(Object.fromEntries(lifecycle[0]!.values.map(([k, t]) => [k, t]))).toMatchObject({
      running: 'boolean',
      restart_count: 'integer',
      state: 'string',
    });
    expect(daemon.stderr).not.toContain(INFLUX1_PASSWORD);
  }, 60_000);

  it('a wrong password: the clear 401 error, the password never logged, and the points kept', async () => {
    const port = await freePort();
    const daemon = daemonFor({ INFLUX_PASSWORD: 'not-the-password' }, port);
    try {
      const refused = () => logLines(daemon).find((l) => String(l.msg).startsWith('writing to the database failed'));
      expect(await eventually(() => refused() !== undefined, 30_000)).toBe(true);
      expect(String(refused()!.reason)).toMatch(/401/);
      expect(String(refused()!.msg)).toContain('password');
      expect(await eventually(async () => (await scrapeMetric(port, 'dss_buffer_points')) > 0, 10_000)).toBe(true);
      expect(await scrapeMetric(port, 'dss_points_dropped_total')).toBe(0);
      expect(await scrapeMetric(port, 'dss_points_written_total')).toBe(0);
    } finally {
      daemon.process.kill('SIGKILL'); // its buffer cannot be written: no flush to wait for
      await daemon.exited;
    }
    expect(daemon.stderr).not.toContain('not-the-password');
  }, 60_000);
});
