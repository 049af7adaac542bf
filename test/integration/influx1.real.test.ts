import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, of, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxSink } from '../../src/deliver/influxSink.js';
import { PointBuffer } from '../../src/deliver/pointBuffer.js';
import { writeBatches } from '../../src/deliver/writeBatches.js';
import { type Chunk, type ChunkBatch, encodeChunk } from '../../src/model/chunk.js';
import { type RunningDaemon, logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { INFLUX1_PASSWORD, INFLUX1_URL, INFLUX1_USER, influxQuery, influxWrite } from '../support/influx1.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';
import { folded } from '../support/telemetry.js';

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

  it('a partial write (a field type conflict): the conflicting points rejected, the rest counted written', async () => {
    // usage_bytes first written as a string: 1.6 drops every memory point of the daemon's batches
    // with `partial write: field type conflict ... dropped=N` (400), and writes the others.
    const db = `${DB}_partial`;
    await influxQuery(`CREATE DATABASE ${db}`);
    try {
      const conflict = await influxWrite(db, `memory,host=elsewhere usage_bytes="not a number" ${Date.now()}000000`);
      expect(conflict.status).toBe(204);
      const port = await freePort();
      const daemon = daemonFor(
        { INFLUX_DB: db, INFLUX_PASSWORD: INFLUX1_PASSWORD, MEASUREMENTS: 'memory,container' },
        port,
      );
      try {
        const both = async () =>
          (await scrapeMetric(port, 'dss_points_rejected_total')) > 0 &&
          (await scrapeMetric(port, 'dss_points_written_total')) > 0;
        expect(await eventually(both, 30_000), daemon.stderr).toBe(true);
      } finally {
        expect(await stop(daemon)).toBe(0);
      }
      const rejected = logLines(daemon).filter((l) => l.msg === 'the database rejected points');
      expect(String(rejected[0]?.reason)).toMatch(/partial write: field type conflict: .* dropped=\d+/);
      const totals = logLines(daemon).find((l) => String(l.msg).startsWith('stopped; '))!;
      expect(totals.msg).toMatch(/^stopped; \d+ points? delivered, \d+ rejected by the database$/);
      const [stored] = await influxQuery(`SELECT COUNT(running) FROM container`, db);
      const [memory] = await influxQuery(`SELECT COUNT(usage_bytes) FROM memory`, db);
      // what was written is in the database, once; the rest was rejected: every point counted once
      expect(totals.written).toBe(stored!.values[0]![1]);
      expect(memory!.values[0]![1]).toBe(1); // only the string
      expect(totals.rejected).toBe(rejected.reduce((n, l) => n + Number(l.points), 0));
      expect(Number(totals.written) + Number(totals.rejected) + Number(totals.dropped)).toBe(totals.collected);
    } finally {
      await influxQuery(`DROP DATABASE ${db}`);
    }
  }, 60_000);

  it('lines 1.6 cannot parse, one of them twice, beside good ones: each point counted once, nothing written twice', async () => {
    const db = `${DB}_unparsable`;
    await influxQuery(`CREATE DATABASE ${db}`);
    const sink = influxSink({
      url: INFLUX1_URL,
      org: '',
      bucket: '',
      v1: { db, username: INFLUX1_USER, password: INFLUX1_PASSWORD },
    });
    try {
      const ms = Date.now();
      // 1.6 writes the good lines and answers 400 `partial write: unable to parse '...' (once per
      // copy) ... dropped=0`
      const lines = [
        `good v=1i ${ms}000000`,
        'bad no-field 1',
        'bad no-field 1',
        'bad,x=1\\ v=1 1',
        `good v=2i ${ms}000001`,
      ];
      const requests: number[] = [];
      const counted = { ...sink, write: (chunk: Chunk) => (requests.push(chunk.points), sink.write(chunk)) };
      const events = await lastValueFrom(
        of<ChunkBatch>({ chunk: encodeChunk(lines), reason: 'final' }).pipe(
          writeBatches(counted, { buffer: new PointBuffer(1_000_000) }),
          toArray(),
        ),
      );
      const state = folded(events);
      expect([state.pointsWritten, state.pointsRejected]).toEqual([2, 3]);
      expect(requests).toEqual([5]); // the good lines were written: not sent again
      const [stored] = await influxQuery('SELECT COUNT(v) FROM good', db);
      expect(stored!.values[0]![1]).toBe(2);
    } finally {
      sink.close();
      await influxQuery(`DROP DATABASE ${db}`);
    }
  });

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
