import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Spawner } from '../support/daemon.js';
import { eventually } from '../support/realEngine.js';
import { ofType } from '../support/spoolFaultKit.js';
import { type SpoolDisk, type SpoolProcess, spoolProcess } from '../support/spoolProcess.js';

/** The spool in processes of its own (test/support/spoolDriver.ts): killed -9, measured, traced. */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function plainDisk(via: Spawner = spawn): SpoolDisk {
  const dir = mkdtempSync(join(tmpdir(), 'dss-spoolproc-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, spawn: via };
}
function spoolIn(disk: SpoolDisk): SpoolProcess {
  const spool = spoolProcess(disk);
  cleanups.push(() => spool.kill());
  return spool;
}
const tagsOf = (lines: string[]): Set<string> => new Set(lines.map((l) => /tag=(\w+)/.exec(l)![1]!));
async function drainTags(spool: SpoolProcess): Promise<Set<string>> {
  const lines: string[] = [];
  for (let c = await spool.shift(); c.lines; c = await spool.shift()) {
    lines.push(...c.lines);
    await spool.done();
  }
  return tagsOf(lines);
}

/**
 * A spool process whose record writes (pwritev) fail with EIO at the calls `when` names
 * (strace's syntax); `trace` gets strace's log, where each failed call says INJECTED.
 */
const failing =
  (call: 'pwritev' | 'pread64', when: string, trace = '/dev/null'): Spawner =>
  (command, args, options) =>
    spawn(
      'strace',
      [
        '-f',
        '-qq',
        '-o',
        trace,
        '-e',
        `trace=${call}`,
        '-e',
        `inject=${call}:error=EIO:when=${when}`,
        command,
        ...args,
      ],
      options,
    );
const failingWrites = (when: string, trace?: string): Spawner => failing('pwritev', when, trace);

describe('the disk spool in a process of its own', () => {
  it('opening a 256 MB spool keeps an index, not the files: its peak memory stays within 60 MB of an idle process', async () => {
    const disk = plainDisk();
    const writer = spoolIn(disk);
    await writer.open({ windowBytes: 0 });
    await writer.push('a', 2000, false, 3300); // ~80 KB chunks, ~260 MB
    await writer.close();
    await writer.kill();
    const reader = spoolIn(disk);
    const idle = await reader.memory();
    const { replay } = await reader.open({ windowBytes: 50e6 });
    expect(replay.points).toBe(2000 * 3300);
    const opened = await reader.memory();
    expect(opened.peak - idle.rss).toBeLessThan(60 * 2 ** 20);
  }, 120_000);

  it('kill -9 at random points: a restart sends every chunk pushed and not acknowledged, nothing acknowledged, nothing damaged', async () => {
    for (let run = 0; run < 20; run++) {
      const disk = plainDisk();
      const spool = spoolIn(disk);
      await spool.open({ syncMs: 1000, windowBytes: 20_000 });
      const pushed: string[] = [];
      const acked = new Set<string>();
      let inFlight: string | undefined;
      let acking: string | undefined; // killed during its done(): its ack may or may not be on disk
      const killer = setTimeout(() => void spool.kill(), 5 + Math.random() * 150);
      try {
        for (let i = 0; ; i++) {
          inFlight = `p${i}`;
          await spool.push(inFlight, 1 + (i % 40), i % 3 === 0);
          pushed.push(inFlight);
          inFlight = undefined;
          if (i % 3 === 2) {
            const taken = await spool.shift();
            acking = [...tagsOf(taken.lines!)][0]!;
            await spool.done();
            acked.add(acking);
            acking = undefined;
          }
        }
      } catch {
        // killed
      } finally {
        clearTimeout(killer);
        await spool.kill();
      }
      const again = spoolIn(disk);
      const { replay } = await again.open({});
      // SIGKILL can cut a write of several pages short (the kernel stops between pages on a fatal
      // signal): only a record being written when killed may be torn, and a torn tail is counted once.
      const writing = inFlight !== undefined || acking !== undefined;
      expect(replay.corrupt, `run ${run}`).toBeLessThanOrEqual(writing ? 1 : 0);
      const sent = await drainTags(again);
      for (const tag of pushed)
        if (!acked.has(tag) && tag !== acking) expect(sent.has(tag), `run ${run}: ${tag} lost`).toBe(true);
      for (const tag of sent) {
        expect(pushed.includes(tag) || tag === inFlight, `run ${run}: ${tag} never pushed`).toBe(true);
        expect(acked.has(tag), `run ${run}: ${tag} acknowledged, sent again`).toBe(false);
      }
      await again.kill();
    }
  }, 120_000);

  it('every segment created or deleted is followed by an fsync of the folder (strace)', async () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'dss-strace-')), 'trace');
    cleanups.push(() => rmSync(join(trace, '..'), { recursive: true, force: true }));
    const strace: Spawner = (command, args, options) =>
      spawn(
        'strace',
        ['-f', '-qq', '-e', 'trace=openat,fsync,unlink,unlinkat', '-o', trace, command, ...args],
        options,
      );
    const disk = plainDisk(strace);
    const spool = spoolIn(disk);
    await spool.open({ maxBytes: 16 * 2 ** 20 }); // 1 MiB segments
    await spool.push('a', 1000, false, 60); // ~2.4 MB: three segments
    expect((await drainTags(spool)).size).toBe(1); // acknowledged: the full segments are deleted
    await spool.close();
    await spool.kill();
    const dir = `${disk.dir}/spool`;
    const paths = new Map<string, string>(); // descriptor -> what it was opened on last (numbers are reused)
    const waiting: string[] = []; // creations and deletions not yet followed by an fsync of the folder
    let created = 0;
    let deleted = 0;
    for (const line of readFileSync(trace, 'utf8').split('\n')) {
      const opened = /openat\(AT_FDCWD, "([^"]+)", ([^)]*)\) = (\d+)/.exec(line);
      if (opened) paths.set(opened[3]!, opened[1]!);
      if (opened?.[1]!.endsWith('.seg') && opened[2]!.includes('O_CREAT')) {
        created++;
        waiting.push(`create ${opened[1]}`);
      }
      const unlinked = /unlink(?:at)?\((?:AT_FDCWD, )?"([^"]+\.seg)"/.exec(line);
      if (unlinked) {
        deleted++;
        waiting.push(`delete ${unlinked[1]}`);
      }
      const synced = /fsync\((\d+)\)\s*= 0/.exec(line);
      if (synced && paths.get(synced[1]!) === dir) waiting.length = 0;
    }
    expect(created).toBeGreaterThanOrEqual(3);
    expect(deleted).toBeGreaterThanOrEqual(2);
    expect(waiting, readFileSync(trace, 'utf8')).toEqual([]);
  }, 60_000);
  it('EIO from the disk (strace fault injection): appends wait in memory, the spool resumes by itself, nothing lost', async () => {
    // The 3rd to 6th record writes (pwritev) fail with EIO, as a failing disk's do; then the disk answers again.
    const eio: Spawner = (command, args, options) =>
      spawn(
        'strace',
        [
          '-f',
          '-qq',
          '-o',
          '/dev/null',
          '-e',
          'trace=pwritev',
          '-e',
          'inject=pwritev:error=EIO:when=3..6',
          command,
          ...args,
        ],
        options,
      );
    const spool = spoolIn(plainDisk(eio));
    await spool.open({ windowBytes: 2 ** 20 });
    for (const tag of ['a', 'b', 'c', 'd', 'e', 'f']) await spool.push(tag, 100);
    const during = await spool.state();
    expect(ofType(during.events, 'spool-fault')).toEqual([{ type: 'spool-fault', operation: 'append', code: 'EIO' }]);
    expect(during.dropped).toBe(0); // within MAX_BUFFER_SIZE: held in memory, not dropped
    expect(during.points).toBe(600);
    await spool.push('g', 100); // the disk answers: what waited is written with it
    expect(ofType((await spool.state()).events, 'spool-recovered')).toHaveLength(1);
    const sent = await drainTags(spool);
    expect([...sent].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect((await spool.state()).isEmpty).toBe(true);
  }, 60_000);

  it('EIO on every write once the points are on disk: their acks are held in memory, each chunk is handed out once', async () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'dss-strace-')), 'trace');
    cleanups.push(() => rmSync(join(trace, '..'), { recursive: true, force: true }));
    const spool = spoolIn(plainDisk(failingWrites('4+', trace))); // the three appends go through, nothing after
    await spool.open({ windowBytes: 0 }); // read back from disk
    for (const tag of ['a', 'b', 'c']) await spool.push(tag, 100);
    const handed: string[] = [];
    for (let c = await spool.shift(); c.lines; c = await spool.shift()) {
      handed.push(...c.lines);
      await spool.done(); // an ack record the disk refuses
    }
    expect(handed.length).toBe(300);
    expect(tagsOf(handed)).toEqual(new Set(['a', 'b', 'c']));
    const after = await spool.state();
    expect(after.isEmpty).toBe(true);
    expect(after.dropped).toBe(0);
    await spool.kill();
    const refused = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((l) => l.includes('EIO') && l.includes('INJECTED'));
    expect(refused.length).toBeGreaterThanOrEqual(3); // the acks were written, and refused
  }, 60_000);

  it('EIO on every read of a record: tried READ_TRIES (3) times, then dropped as disk_error and counted, the next one read', async () => {
    const spool = spoolIn(plainDisk());
    await spool.open({ windowBytes: 0 }); // nothing kept in memory: every chunk is read back from disk
    for (const tag of ['a', 'b']) await spool.push(tag, 100);
    // strace attached now, past the loader's reads: the next three reads (the first record's) fail.
    const strace = spawn('strace', [
      '-qq',
      '-o',
      '/dev/null',
      '-p',
      String(spool.process.pid),
      '-e',
      'trace=pread64',
      '-e',
      'inject=pread64:error=EIO:when=1..3',
    ]);
    cleanups.push(() => void strace.kill());
    const tracer = (): string =>
      /TracerPid:\s+(\d+)/.exec(readFileSync(`/proc/${spool.process.pid}/status`, 'utf8'))![1]!;
    expect(await eventually(() => tracer() !== '0')).toBe(true);
    const handed: string[] = [];
    for (let i = 0; i < 10 && handed.length < 100; i++) {
      const c = await spool.shift();
      if (c.lines) {
        handed.push(...c.lines);
        await spool.done();
      }
    }
    expect(tagsOf(handed)).toEqual(new Set(['b']));
    const after = await spool.state();
    expect(ofType(after.events, 'points-dropped')).toEqual([
      expect.objectContaining({ reason: 'disk_error', points: 100 }),
    ]);
    expect(ofType(after.events, 'spool-fault')).toEqual([{ type: 'spool-fault', operation: 'read', code: 'EIO' }]);
    expect(after.dropped).toBe(100);
    expect(after.isEmpty).toBe(true);
  }, 60_000);
});
