import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { realBed } from '../support/realBed.js';
import { eventually } from '../support/realEngine.js';

const CONTAINERS = 10;
const { boxes, vm } = realBed(
  'faults',
  Object.fromEntries(Array.from({ length: CONTAINERS }, (_, i) => [`box${i}`, ['sleep', '3600']])),
);
const spoolDir = mkdtempSync(join(tmpdir(), 'dss-spool-test-'));
afterAll(() => rmSync(spoolDir, { recursive: true, force: true }));

/** One field every point of its measurement has: one sample per point. */
const COUNTED = ['cpu_usage_percent', 'memory_usage_bytes', 'network_rx_bytes', 'container_restart_count'];

/** Samples stored per series for a host tag, and whether any series holds a timestamp twice. */
async function stored(host: string): Promise<{ points: number; duplicates: number; series: number }> {
  let points = 0;
  let duplicates = 0;
  let series = 0;
  for (const name of COUNTED) {
    for (const s of await vm.export(`${name}{host="${host}"}`)) {
      series++;
      points += s.timestamps.length;
      duplicates += s.timestamps.length - new Set(s.timestamps).size;
    }
  }
  return { points, duplicates, series };
}

async function daemonFor(host: string, env: Record<string, string> = {}): Promise<{ d: RunningDaemon; port: number }> {
  const port = await freePort();
  const d = spawnDaemon({
    INFLUX_URL: vm.url,
    INFLUX_ORG: 'dss',
    INFLUX_BUCKET: 'faults',
    INCLUDE_NAMES: `${boxes.prefix}*`,
    MEASUREMENTS: 'cpu,memory,network,container',
    HOST_TAG: host,
    FLUSH_INTERVAL_MS: '500',
    METRICS_PORT: String(port),
    ...env,
  });
  return { d, port };
}
const metric = (port: number, name: string): Promise<number> => scrapeMetric(port, `dss_${name}`);

describe('faults against the real components (issue 16)', () => {
  it('VictoriaMetrics down for 60 s under load: every point collected meanwhile arrives, none twice', async () => {
    const host = `outage-${process.pid}-${Date.now()}`;
    const { d, port } = await daemonFor(host);
    try {
      expect(await eventually(async () => (await metric(port, 'points_written_total')) > 0, 30_000)).toBe(true);
      await vm.stop();
      const before = await metric(port, 'points_written_total');
      await new Promise((r) => setTimeout(r, 60_000));
      expect(await metric(port, 'points_written_total')).toBe(before); // nothing could be written
      expect(await metric(port, 'buffer_points')).toBeGreaterThan(CONTAINERS * 3 * 50);
      await vm.start();
      expect(await eventually(async () => (await metric(port, 'buffer_points')) === 0, 60_000)).toBe(true);
    } finally {
      d.process.kill('SIGTERM');
    }
    expect(await d.exited).toBe(0);
    const totals = logLines(d).find((l) => l.msg === 'stopped; everything collected was delivered');
    expect(totals).toBeDefined();
    expect(totals!.dropped).toBe(0);
    expect(totals!.written).toBe(totals!.collected);
    let found = await stored(host);
    expect(await eventually(async () => (found = await stored(host)).points >= Number(totals!.written), 20_000)).toBe(
      true,
    );
    expect(found.points).toBe(totals!.written);
    expect(found.duplicates).toBe(0);
    expect(found.series).toBe(CONTAINERS * COUNTED.length);
  }, 180_000);

  it('kill -9 during an outage with SPOOL_DIR: after a restart every point collected until SPOOL_SYNC_MS before arrives', async () => {
    const first = `spool-a-${process.pid}-${Date.now()}`;
    await vm.stop();
    const { d, port } = await daemonFor(first, { SPOOL_DIR: spoolDir, SPOOL_SYNC_MS: '500' });
    let collected = 0;
    try {
      expect(await eventually(async () => (await metric(port, 'points_collected_total')) > 400, 30_000)).toBe(true);
      collected = await metric(port, 'points_collected_total');
      // Sealed within a flush interval (500 ms), on disk at once, durable within SPOOL_SYNC_MS.
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      d.process.kill('SIGKILL');
    }
    await d.exited;
    await vm.start();
    const second = `spool-b-${process.pid}-${Date.now()}`;
    const again = await daemonFor(second, { SPOOL_DIR: spoolDir, SPOOL_SYNC_MS: '500' });
    let found = await stored(first);
    try {
      expect(await eventually(async () => (found = await stored(first)).points >= collected, 60_000)).toBe(true);
      expect(await metric(again.port, 'points_replayed_total')).toBeGreaterThanOrEqual(collected);
      expect(await eventually(async () => (await metric(again.port, 'buffer_points')) === 0, 30_000)).toBe(true);
      // and then its own points go out too
      const replayed = await metric(again.port, 'points_replayed_total');
      expect(await eventually(async () => (await metric(again.port, 'points_written_total')) > replayed, 30_000)).toBe(
        true,
      );
    } finally {
      again.d.process.kill('SIGTERM');
    }
    expect(await again.d.exited).toBe(0);
    expect(found.duplicates).toBe(0);
    expect(logLines(again.d).some((l) => l.msg === 'disk spool: sending what the last run left first')).toBe(true);
    // and the new run's own points
    expect(await eventually(async () => (await stored(second)).points > 0, 20_000)).toBe(true);
  }, 180_000);
});
