import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, EMPTY, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { sinksFor } from '../../src/app/sinksFor.js';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import { encodeChunk } from '../../src/model/chunk.js';
import { SpoolBuffer } from '../../src/deliver/spool/spoolBuffer.js';
import type { DeliveryEvent } from '../../src/model/telemetry.js';
import { tempDirs } from '../support/tempDirs.js';

const tempDir = tempDirs('dss-migrate-');
const lines = (tag: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `old,tag=${tag} n=${i}i ${1_700_000_000_000_000_000 + i}`);
const segments = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.seg'));

/**
 * Today's layout: one spool directly in SPOOL_DIR, as the version before per-sink spools wrote
 * it. Small segments (MAX_SPOOL_SIZE of 16 MiB: 1 MiB segments) and 3 chunks of 20,000 points
 * make several segment files; one chunk is acknowledged, so that an ack record moves too.
 */
function oldLayout(root: string): string[] {
  const spool = new SpoolBuffer({ dir: root, maxBytes: 16 * 2 ** 20, windowBytes: 2 ** 20, syncMs: 0 });
  const chunks = ['a', 'b', 'c', 'd'].map((tag) => lines(tag, 20_000));
  for (const chunk of chunks) spool.push(encodeChunk(chunk));
  spool.shift();
  spool.done(); // `a` was written before the upgrade: acknowledged, not sent again
  expect(spool.close()).toBe(0);
  return chunks.slice(1).flat();
}

const run = async (root: string, file: string): Promise<DeliveryEvent[]> => {
  const config = resolveConfig({ env: { SPOOL_DIR: root, OUTPUT: `file:${file}`, FLUSH_INTERVAL_MS: '50' } });
  const sinks = sinksFor(config);
  expect(sinks.map((s) => s.name)).toEqual(['file']);
  return lastValueFrom(sinks[0]!.deliver(EMPTY).pipe(toArray()));
};

describe('the spool of an earlier version (segments directly in SPOOL_DIR)', () => {
  it('moves into the folder of the configured sink, and every point it held is delivered once', async () => {
    const root = tempDir();
    const spooled = oldLayout(root);
    expect(segments(root).length).toBeGreaterThan(1);
    const file = join(tempDir(), 'out.lp');
    const events = await run(root, file);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toEqual(spooled);
    expect(events[0]).toEqual({ type: 'spool-opened', points: spooled.length, corrupt: 0, sink: 'file' });
    expect(events.at(-1)).toEqual({ type: 'sink-closed', points: 0, lost: 0, sink: 'file' });
    expect(segments(root)).toEqual([]);
    // a second start has nothing left to send
    const again = join(tempDir(), 'again.lp');
    const second = await run(root, again);
    expect(second[0]).toEqual({ type: 'spool-opened', points: 0, corrupt: 0, sink: 'file' });
    expect(existsSync(again) ? readFileSync(again, 'utf8') : '').toBe('');
  });

  it('takes up a move cut short by a crash: the rest moves, and nothing is sent twice or lost', async () => {
    const root = tempDir();
    const spooled = oldLayout(root);
    const dir = join(root, 'file');
    const [first, ...rest] = segments(root).sort();
    expect(rest.length).toBeGreaterThan(0);
    // the crash: the marker written and the first segment moved, the others not yet
    (await import('node:fs')).mkdirSync(dir);
    writeFileSync(join(dir, '.moving-from-spool-dir'), root);
    renameSync(join(root, first!), join(dir, first!));
    const file = join(tempDir(), 'out.lp');
    await run(root, file);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toEqual(spooled);
    expect(segments(root)).toEqual([]);
    expect(existsSync(join(dir, '.moving-from-spool-dir'))).toBe(false);
  });

  it('refuses to merge two logs (an old spool, and a sink folder with its own), deleting nothing', async () => {
    const root = tempDir();
    oldLayout(root);
    const before = segments(root);
    const dir = join(root, 'file');
    new SpoolBuffer({ dir, maxBytes: 16 * 2 ** 20, windowBytes: 2 ** 20, syncMs: 0 }).push(
      encodeChunk(lines('new', 3)),
    );
    await expect(run(root, join(tempDir(), 'out.lp'))).rejects.toThrow(/SPOOL_DIR=.*cannot use it.*holds its own/);
    expect(segments(root)).toEqual(before);
    expect(segments(dir).length).toBe(1);
  });

  it('a file where the sink folder goes is refused at start, naming that folder, not SPOOL_DIR alone', () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), 'not a folder');
    const config = resolveConfig({ env: { SPOOL_DIR: root, OUTPUT: `file:${join(tempDir(), 'out.lp')}` } });
    expect(() => sinksFor(config)).toThrow(`cannot use ${join(root, 'file')} (ENOTDIR)`);
  });
});
