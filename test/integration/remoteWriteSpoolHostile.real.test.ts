import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpoolBuffer } from '../../src/deliver/spool/spoolBuffer.js';
import { encodeChunk } from '../../src/model/chunk.js';
import { sampleLine } from '../../src/model/sampleLine.js';
import { logLines, spawnDaemon } from '../support/daemon.js';
import { OwnVictoriaMetrics } from '../support/ownVictoriaMetrics.js';
import { eventually, realEngine } from '../support/realEngine.js';
import { previousSampleLine as previousLine } from '../support/previousJsonValue.js';

// A remote_write spool left by the version before (its own sampleLine, kept in test/support), and
// one by this version, under SPOOL_DIR: the built daemon sends both to a VictoriaMetrics of the
// test's own at start, every sample, hostile label values and stale markers too.
const own = new OwnVictoriaMetrics();
const root = mkdtempSync(join(tmpdir(), 'dss-rwspoolhostile-'));
const RUN = `rwupgrade-${process.pid}-${Date.now()}`;
const HOSTILE = ['a\tb', 'line1\nline2', 'say "hi" \\', 'a\u2028b', '🐳'.repeat(3), '["x"]\t[1]', 'x"],["y', 'z\\'];

/** `count` points of `form`, a second apart, ending a minute ago; the last a stale marker. */
function linesOf(form: 'before' | 'now', count: number): string[] {
  const end = Date.now() - 60_000;
  return Array.from({ length: count }, (_, i) => {
    const labels = ['form', form, 'hostile', HOSTILE[i % HOSTILE.length]!, 'run', RUN];
    const ms = end - (count - 1 - i) * 1000;
    const value = i === count - 1 ? 'stale' : i;
    return form === 'now'
      ? sampleLine({
          ms,
          labels,
          names: ['upgrade_value', 'upgrade_twice'],
          values: [value, value === 'stale' ? value : 2 * i],
        })
      : previousLine({
          ms,
          labels,
          samples: ['upgrade_value', value, 'upgrade_twice', value === 'stale' ? value : 2 * i],
        });
  });
}

describe('a remote_write spool of the version before, and of this one, sent at start', () => {
  beforeAll(async () => {
    await realEngine();
    await own.start();
    const spool = new SpoolBuffer({ dir: join(root, 'remote_write'), maxBytes: 1e9, windowBytes: 1e6, syncMs: 0 });
    spool.push(encodeChunk(linesOf('before', 30)));
    spool.push(encodeChunk(linesOf('now', 30)));
    spool.close();
  }, 60_000);
  afterAll(async () => {
    await own.remove();
    rmSync(root, { recursive: true, force: true });
  });

  it('stores every sample of both, as written', async () => {
    const daemon = spawnDaemon({
      INCLUDE_NAMES: 'dss-test-rwupgrade-none',
      REMOTE_WRITE_URL: `${own.url}/api/v1/write`,
      SPOOL_DIR: root,
      FLUSH_INTERVAL_MS: '500',
      METRICS_PORT: '0',
    });
    const series = async () => own.export(`{run="${RUN}"}`);
    try {
      const all = async (): Promise<boolean> =>
        (await series()).reduce((n, s) => n + s.values.length, 0) === 2 * 2 * 30;
      expect(await eventually(all, 30_000), daemon.stderr).toBe(true);
    } finally {
      daemon.process.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
    }
    expect(logLines(daemon).filter((l) => l.msg === 'the database rejected points')).toEqual([]);
    for (const form of ['before', 'now']) {
      const mine = (await series()).filter((s) => s.metric.form === form);
      expect(new Set(mine.map((s) => s.metric.hostile))).toEqual(new Set(HOSTILE));
      const value = mine.filter((s) => s.metric.__name__ === 'upgrade_value');
      const byTime = value
        .flatMap((s) => s.timestamps.map((t, i) => [t, s.values[i]] as const))
        .sort((a, b) => a[0] - b[0]);
      expect(byTime.map(([, v]) => v)).toEqual([...Array.from({ length: 29 }, (_, i) => i), null]);
    }
  }, 90_000);
});
