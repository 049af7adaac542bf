import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLine } from '../../src/model/sampleLine.js';
import { FORTY, leaveRemoteWriteSpool, sendLeftSpool } from '../support/leftSpool.js';
import { OwnVictoriaMetrics } from '../support/ownVictoriaMetrics.js';
import { eventually } from '../support/realEngine.js';
import { VM_URL, requireVictoriaMetrics } from '../support/victoriaMetrics.js';

// Remote-write samples left in the spool, written by hand as JSON (as any version wrote them)
// and by sampleLine, side by side in SPOOL_DIR/remote_write, all reach a real VictoriaMetrics on
// the next start. A damaged record among them is skipped, not the batch.
const HOST = `rw-upgrade-${process.pid}-${Date.now()}`;
const own = new OwnVictoriaMetrics();
const dirs: string[] = [];

describe('remote write: what a spool holds is sent at the next start', () => {
  beforeAll(async () => {
    await requireVictoriaMetrics();
    await own.start();
  }, 60_000);
  afterAll(async () => {
    await own.remove();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('sends every line of a spooled batch, and skips a damaged one among them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dss-rw-upgrade-'));
    dirs.push(dir);
    const t0 = Date.now() - 120_000;
    const labels = ['host', HOST, 'job', 'upgrade'];
    const before = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify([t0 + i * 1000, labels, ['upgrade_before_total', i, 'upgrade_ratio', i / 4]]),
    );
    const after = Array.from({ length: 40 }, (_, i) =>
      sampleLine({ ms: t0 + 40_000 + i * 1000, labels, names: ['upgrade_after_total'], values: [i] }),
    );
    leaveRemoteWriteSpool(dir, [...before.slice(0, 20), '[1,["damaged"', ...before.slice(20), ...after]);

    await sendLeftSpool(
      own,
      dir,
      HOST,
      {
        INFLUX_URL: VM_URL,
        INFLUX_ORG: 'dss',
        INFLUX_BUCKET: 'rw-upgrade',
      },
      async (values, daemon) => {
        const all = async (): Promise<boolean> =>
          (await values('upgrade_before_total')).length === 40 && (await values('upgrade_after_total')).length === 40;
        expect(await eventually(all, 30_000), daemon.stderr).toBe(true);
        expect(await values('upgrade_before_total')).toEqual(FORTY);
        expect(await values('upgrade_ratio')).toEqual(FORTY.map((i) => i / 4));
        expect(await values('upgrade_after_total')).toEqual(FORTY);
      },
    );
  }, 90_000);
});
