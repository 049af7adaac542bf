import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SpoolDisk, type SpoolProcess, spoolProcess } from '../support/spoolProcess.js';

/** Opening the spool in a process of its own (spoolDriver): its memory, and names that are no segment files. */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function plainDisk(): SpoolDisk {
  const dir = mkdtempSync(join(tmpdir(), 'dss-spoolopen-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, spawn };
}
function spoolIn(disk: SpoolDisk): SpoolProcess {
  const spool = spoolProcess(disk);
  cleanups.push(() => spool.kill());
  return spool;
}

describe('opening the disk spool in a process of its own', () => {
  it('a spool of 3 million tiny records: opening it adds at most 16 bytes a record to the peak memory', async () => {
    const records = 3_000_000; // one point each, 61 bytes on disk: ~180 MB
    const disk = plainDisk();
    const writer = spoolIn(disk);
    await writer.open({ windowBytes: 0, syncMs: 600_000 });
    for (let i = 0; i < records; i += 500_000) await writer.push('t', 1, false, 500_000);
    await writer.close();
    await writer.kill();
    const reader = spoolIn(disk);
    const idle = await reader.memory();
    const { replay } = await reader.open({ windowBytes: 50e6 });
    expect(replay.points).toBe(records);
    const opened = await reader.memory();
    const perRecord = (opened.peak - idle.rss) / records;
    expect(perRecord, `${(opened.peak - idle.rss) / 2 ** 20} MiB`).toBeLessThan(16); // it was 104
  }, 300_000);

  it('a FIFO, a directory or a socket named like a segment: the spool opens, skips them, and never deletes them', async () => {
    const disk = plainDisk();
    const dir = join(disk.dir, 'spool');
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, '000000000001.seg')]);
    mkdirSync(join(dir, '000000000002.seg'));
    const socket = createServer().listen(join(dir, '000000000003.seg'));
    cleanups.push(() => void socket.close());
    const first = spoolIn(disk);
    await first.open({ maxBytes: 16 * 2 ** 20 }); // 1 MiB segments
    await first.push('a', 1000, false, 60); // ~2.4 MB: three segments
    await first.close();
    await first.kill();
    const again = spoolIn(disk);
    const { replay } = await again.open({ maxBytes: 16 * 2 ** 20 });
    expect(replay.points).toBe(60_000);
    for (let c = await again.shift(); c.lines; c = await again.shift()) await again.done();
    await again.close();
    expect(statSync(join(dir, '000000000001.seg')).isFIFO()).toBe(true);
    expect(statSync(join(dir, '000000000002.seg')).isDirectory()).toBe(true);
    expect(statSync(join(dir, '000000000003.seg')).isSocket()).toBe(true);
    // everything was acknowledged: only the segment the acks went to is left beside them
    expect(readdirSync(dir).filter((f) => f.endsWith('.seg'))).toHaveLength(4);
  }, 30_000);
});
