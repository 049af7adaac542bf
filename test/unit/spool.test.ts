import { readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drainBuffer } from '../support/drainBuffer.js';
import { tempDirs } from '../support/tempDirs.js';
import { type Chunk, chunkLines, encodeChunk } from '../../src/model/chunk.js';
import { SpoolBuffer, type SpoolOptions } from '../../src/deliver/spool/spoolBuffer.js';

const tempDir = tempDirs('dss-spool-');
const chunkOf = (n: number, gzip = false): Chunk =>
  encodeChunk(
    Array.from({ length: n }, (_, i) => `cpu,host=h usage_percent=${i} ${1_700_000_000_000_000_000 + i}`),
    gzip,
  );
const open = (dir: string, more: Partial<SpoolOptions> = {}): SpoolBuffer =>
  new SpoolBuffer({ dir, maxBytes: 2 ** 30, windowBytes: 2 ** 20, syncMs: 0, ...more });
const drain = drainBuffer;
const segments = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.seg'));

describe('the disk spool', () => {
  it('what was not acknowledged is sent again after a restart, oldest first; what was is not', () => {
    const dir = tempDir();
    const first = open(dir);
    const [a, b, c] = [chunkOf(3), chunkOf(5, true), chunkOf(2000, true)];
    for (const chunk of [a, b, c]) first.push(chunk);
    expect(chunkLines(first.shift()!)).toEqual(chunkLines(a));
    first.done(); // a is written
    first.close();
    const second = open(dir);
    expect(second.replay).toMatchObject({ points: 2005, corrupt: 0 });
    expect(second.points).toBe(2005);
    expect(drain(second)).toEqual([...chunkLines(b), ...chunkLines(c)]);
    second.close();
    expect(open(dir).replay.points).toBe(0);
  });

  it('a process killed without closing loses nothing: appends are in the files at once', () => {
    const dir = tempDir();
    const killed = new SpoolBuffer({ dir, maxBytes: 2 ** 30, windowBytes: 2 ** 20, syncMs: 60_000 });
    killed.push(chunkOf(7));
    killed.push(chunkOf(9, true));
    killed.shift();
    // no done(), no close(): as after kill -9 while the write was under way
    expect(open(dir).replay.points).toBe(16);
  });

  it('beyond the memory window, chunks are read back from disk when their turn comes', () => {
    const dir = tempDir();
    const chunks = [chunkOf(100), chunkOf(100, true), chunkOf(100)];
    const spool = open(dir, { windowBytes: chunks[0]!.bytes });
    for (const c of chunks) spool.push(c);
    expect(drain(spool)).toEqual(chunks.flatMap(chunkLines));
  });

  it('past MAX_SPOOL_SIZE the oldest chunks are dropped, counted exactly', () => {
    const dir = tempDir();
    const one = chunkOf(50);
    const spool = open(dir, { maxBytes: 3 * (one.body.length + 24) });
    let dropped = 0;
    for (let i = 0; i < 10; i++) dropped += spool.push(chunkOf(50));
    expect(dropped).toBe(350);
    expect(spool.dropped).toBe(350);
    expect(spool.points).toBe(150);
    spool.close();
    expect(open(dir).replay.points).toBe(150);
  });

  it('a failed write goes back to the front; a partial rejection leaves only what remained', () => {
    const dir = tempDir();
    const spool = open(dir);
    const [a, b] = [chunkOf(4), chunkOf(6)];
    spool.push(a);
    spool.push(b);
    const taken = spool.shift()!;
    spool.unshift(taken); // the write failed
    expect(spool.points).toBe(10);
    spool.shift();
    spool.unshift(encodeChunk(chunkLines(a).slice(2))); // the server rejected two lines
    spool.close();
    const again = open(dir);
    expect(again.points).toBe(8);
    expect(drain(again).sort()).toEqual([...chunkLines(a).slice(2), ...chunkLines(b)].sort());
  });

  it('a torn last record (power loss) and a damaged one are skipped and counted; the others are kept', () => {
    const dir = tempDir();
    const spool = open(dir);
    for (const n of [1, 2, 3, 4]) spool.push(chunkOf(n));
    spool.close();
    const [file] = segments(dir);
    const path = join(dir, file!);
    const size = readFileSync(path).length;
    truncateSync(path, size - 10); // the fourth record torn
    const bytes = readFileSync(path);
    const flipped = 24 + chunkOf(1).body.length + 30; // inside the second record
    bytes.writeUInt8(bytes.readUInt8(flipped) ^ 0xff, flipped);
    writeFileSync(path, bytes);
    const reopened = open(dir);
    expect(reopened.replay).toMatchObject({ points: 1 + 3, corrupt: 2 });
    expect(drain(reopened)).toEqual([...chunkLines(chunkOf(1)), ...chunkLines(chunkOf(3))]);
  });

  it('a torn tail is cut off at open: counted once, not again at every start', () => {
    const dir = tempDir();
    const spool = open(dir);
    for (const n of [1, 2, 3]) spool.push(chunkOf(n));
    spool.close();
    const path = join(dir, segments(dir)[0]!);
    truncateSync(path, readFileSync(path).length - 10); // the last record torn by a crash
    const first = open(dir);
    expect(first.replay).toMatchObject({ points: 3, corrupt: 1 });
    first.close();
    expect(open(dir).replay).toMatchObject({ points: 3, corrupt: 0 });
  });

  it('a record damaged on disk while it waited counts as dropped (corrupt), so every point is accounted for', () => {
    const dir = tempDir();
    const spool = open(dir, { windowBytes: 0 }); // nothing held in memory: each chunk is read back from disk
    for (const n of [5, 7, 9]) spool.push(chunkOf(n));
    const path = join(dir, segments(dir)[0]!);
    const bytes = readFileSync(path);
    const inSecond = 24 + chunkOf(5).body.length + 30;
    bytes.writeUInt8(bytes.readUInt8(inSecond) ^ 0xff, inSecond);
    writeFileSync(path, bytes);
    const sent = drain(spool);
    expect(sent).toEqual([...chunkLines(chunkOf(5)), ...chunkLines(chunkOf(9))]);
    expect(spool.takeEvents()).toEqual([
      { type: 'spool-corrupt', records: 1 },
      { type: 'points-dropped', points: 7, reason: 'corrupt' },
    ]);
    expect(sent.length + spool.dropped + spool.points).toBe(5 + 7 + 9);
    expect(spool.corrupt).toBe(1);
  });

  it('segments are deleted once everything in them is acknowledged', () => {
    const dir = tempDir();
    const spool = open(dir, { maxBytes: 16 * 2 ** 20 }); // 1 MiB segments
    for (let i = 0; i < 80; i++) spool.push(chunkOf(1000)); // about 5 MB
    expect(segments(dir).length).toBeGreaterThan(2);
    drain(spool);
    expect(segments(dir).length).toBe(1);
    spool.close();
    expect(open(dir).replay.points).toBe(0);
  });

  it('any run of pushes, writes, failures and crashes: a restart sends exactly what was not acknowledged (fast-check)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), points: fc.integer({ min: 1, max: 40 }), gzip: fc.boolean() }),
      fc.record({ kind: fc.constantFrom('write' as const, 'fail' as const, 'crash' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const dir = tempDir();
        let spool = open(dir, { windowBytes: 2000 });
        let expected = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            spool.push(chunkOf(o.points, o.gzip));
            expected += o.points;
          } else if (o.kind === 'crash') {
            spool = open(dir, { windowBytes: 2000 }); // the old one is dropped unclosed
          } else {
            const chunk = spool.shift();
            if (!chunk) continue;
            if (o.kind === 'write') {
              spool.done();
              expected -= chunk.points;
            } else spool.unshift(chunk);
          }
        }
        expect(spool.points).toBe(expected);
        expect(open(dir).replay.points).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });
});
