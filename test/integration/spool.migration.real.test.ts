import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpoolBuffer } from '../../src/deliver/spool/spoolBuffer.js';
import { encodeChunk } from '../../src/model/chunk.js';
import { type RunningDaemon, logLines, spawnDaemon } from '../support/daemon.js';
import { type PrivateTmpfs, privateTmpfs } from '../support/privateTmpfs.js';
import { eventually } from '../support/realEngine.js';

// The spool of an earlier version (segments directly in SPOOL_DIR) met by a start whose disk is
// read-only: it cannot be moved into the sink's folder now, and is sent from where it is.
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dss-migrate-ro-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An earlier version's spool in `dir`: `n` points, not acknowledged. */
function oldSpool(dir: string, n: number): string[] {
  const lines = Array.from({ length: n }, (_, i) => `old,tag=t n=${i}i ${1_700_000_000_000_000_000 + i}`);
  const spool = new SpoolBuffer({ dir, maxBytes: 16 * 2 ** 20, windowBytes: 2 ** 20, syncMs: 0 });
  spool.push(encodeChunk(lines));
  expect(spool.close()).toBe(0);
  return lines;
}

function daemon(disk: PrivateTmpfs, spoolDir: string, out: string): RunningDaemon {
  const env = {
    OUTPUT: `file:${out}`,
    SPOOL_DIR: spoolDir,
    INCLUDE_NAMES: 'dss-test-none-*',
    FLUSH_INTERVAL_MS: '100',
    METRICS_PORT: '0',
  };
  const d = spawnDaemon(env, [], disk.spawn);
  cleanups.push(async () => {
    if (d.process.exitCode === null && d.process.signalCode === null) d.process.kill('SIGKILL');
    await d.exited;
  });
  return d;
}

describe('an earlier version spool on a read-only disk', () => {
  it('with the sink folder already made (a start killed before it moved them): sent from SPOOL_DIR, not refused', async () => {
    const disk = await privateTmpfs('16m');
    cleanups.push(() => disk.close());
    const made = tempDir();
    const lines = oldSpool(made, 500);
    const spoolDir = `${disk.dir}/spool`;
    // The folder of sink `file` is made when the sinks are named, the move is made when it starts.
    disk.sh(`mkdir "${spoolDir}" && cp -a "${made}/." "${spoolDir}/" && mkdir "${spoolDir}/file"`);
    disk.sh(`mount -o remount,ro "${disk.dir}"`);
    const out = join(tempDir(), 'out.lp');
    const d = daemon(disk, spoolDir, out);
    const delivered = (): string[] => {
      try {
        return readFileSync(out, 'utf8').trimEnd().split('\n');
      } catch {
        return [];
      }
    };
    const ended = await Promise.race([d.exited.then(() => 'exited'), eventually(() => delivered().length >= 500)]);
    expect(ended, d.stderr).toBe(true);
    expect(delivered()).toEqual(lines);
    expect(logLines(d).map((l) => l.msg)).toContain('docker-stats-service started');
  }, 60_000);
});
