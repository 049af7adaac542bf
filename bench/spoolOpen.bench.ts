import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpoolBuffer } from '../src/deliver/spool/spoolBuffer.js';
import { encodeChunk } from '../src/model/chunk.js';
import { freePort } from '../test/support/ownVictoriaMetrics.js';
import { sleep, startDaemon, stop } from './daemonRun.js';
import { fmt } from './measure.js';
import { peakRssMb } from './procStats.js';

/** A batch as the daemon seals it: `points` of cpu/memory line protocol, gzipped (as for InfluxDB) past 1 KB. */
function batch(n: number, points: number): ReturnType<typeof encodeChunk> {
  const lines: string[] = [];
  for (let i = 0; i < points; i++) {
    const id = (n * 1000 + i).toString(16).padStart(64, '0');
    const ts = 1_795_522_783_163_314_862n + BigInt(n * 1000 + i) * 1_000_000n;
    lines.push(
      i % 2 === 0
        ? `cpu,container_id=${id},container_name=box${i % 100},host=vm,image=local/busybox usage_percent=${Math.random() * 100},system_percent=${Math.random()},user_percent=${Math.random() * 50},throttling_periods=${i}i ${ts}`
        : `memory,container_id=${id},container_name=box${i % 100},host=vm,image=local/busybox usage_bytes=${(Math.random() * 1e9) | 0}i,limit_bytes=25276510208i,usage_percent=${Math.random() * 4} ${ts}`,
    );
  }
  return encodeChunk(lines, true);
}

/** A spool of about `bytes` on disk, as an outage left it (nothing acknowledged): its folder and records. */
function spoolOf(bytes: number, points: number): { dir: string; records: number } {
  const dir = mkdtempSync(join(tmpdir(), 'dss-bench-spoolopen-'));
  const spool = new SpoolBuffer({ dir, maxBytes: 2 * bytes, windowBytes: 0, syncMs: 60_000 });
  const chunks = Array.from({ length: 16 }, (_, i) => batch(i, points));
  let written = 0;
  let records = 0;
  for (; written < bytes; records++) {
    const chunk = chunks[records % chunks.length]!;
    spool.push(chunk);
    written += chunk.body.length + 24;
  }
  spool.close();
  return { dir, records };
}

/** The daemon's peak RSS from its start until `settleS` after it said it started, and how long opening took. */
async function daemonAtStart(
  spoolDir: string | undefined,
  settleS: number,
): Promise<{ peak: number; startMs: number }> {
  const began = performance.now();
  const child = startDaemon({
    INFLUX_URL: `http://127.0.0.1:${await freePort()}`, // nothing answers: the spool is opened and kept
    INCLUDE_NAMES: 'dss-bench-spoolopen-none-*',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    ...(spoolDir ? { SPOOL_DIR: spoolDir } : {}),
  });
  while (!child.stderr.includes('docker-stats-service started')) {
    if (child.process.exitCode !== null) throw new Error(`the daemon failed: ${child.stderr}`);
    await sleep(20);
  }
  const startMs = performance.now() - began;
  await sleep(settleS * 1000);
  const peak = peakRssMb(child.process.pid!);
  await stop(child);
  return { peak, startMs };
}

/**
 * Opening the disk spool (issue 23): the daemon's peak RSS at start, and the time until it
 * started, with no spool, and with spools of 100 MB and 1 GB left by an outage (gzipped batches
 * of 1,000 points, the daemon's own), and of 1 GB of batches of one point each (~4 million
 * records: what a daemon watching one container and flushing often leaves). Target: within
 * MAX_BUFFER_SIZE (50 MB) + 60 MB.
 */
export async function spoolOpenBench(settleS = 10): Promise<void> {
  console.log(`spool open: the daemon's peak RSS at start (until ${settleS} s after it started), sink down`);
  const none = await daemonAtStart(undefined, settleS);
  console.log(`  no spool: peak RSS ${fmt(none.peak, 0)} MB, started in ${fmt(none.startMs, 0)} ms`);
  for (const [mb, points] of [
    [100, 1000],
    [1000, 1000],
    [1000, 1],
  ] as const) {
    const { dir, records } = spoolOf(mb * 1e6, points);
    try {
      const r = await daemonAtStart(dir, settleS);
      console.log(
        `  ${mb} MB spool, ${records} records of ${points} point${points > 1 ? 's' : ''}: peak RSS ${fmt(r.peak, 0)} MB (target <= ${50 + 60}), ${fmt(r.peak / none.peak, 2)}x no spool, started in ${fmt(r.startMs, 0)} ms`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
