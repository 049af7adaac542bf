import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLine } from '../../src/model/sampleLine.js';
import { logLines } from '../support/daemon.js';
import { FORTY, leaveRemoteWriteSpool, sendLeftSpool } from '../support/leftSpool.js';
import { OwnVictoriaMetrics } from '../support/ownVictoriaMetrics.js';
import { eventually } from '../support/realEngine.js';
import { tabSampleLine } from '../support/tabSampleLine.js';

// A remote_write spool left by a build of main from f05c136 to a410efa (tab-separated sample
// lines), beside lines of now and a damaged one, in SPOOL_DIR/remote_write: the built daemon
// sends every readable line to a real VictoriaMetrics at start, and tells the damaged one as
// rejected. Built from d088f7e, the tab lines were skipped and the batch acknowledged.
const HOST = `wt-review2-tabform-${process.pid}-${Date.now()}`;
const own = new OwnVictoriaMetrics();
const dirs: string[] = [];

describe('remote write: a spool of the tab-separated form is sent at the next start', () => {
  beforeAll(async () => {
    await own.start();
  }, 60_000);
  afterAll(async () => {
    await own.remove();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('sends its lines, and counts the damaged one as rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dss-rw-tabform-'));
    dirs.push(dir);
    const t0 = Date.now() - 120_000;
    const labels = ['host', HOST, 'job', 'tabform', 'quote', 'x"],["y\t'];
    const tab = Array.from({ length: 40 }, (_, i) =>
      tabSampleLine({ ms: t0 + i * 1000, labels, names: ['tab_total', 'tab_ratio'], values: [i, i / 4] }),
    );
    const now = Array.from({ length: 40 }, (_, i) =>
      sampleLine({ ms: t0 + 40_000 + i * 1000, labels, names: ['tab_after_total'], values: [i] }),
    );
    leaveRemoteWriteSpool(dir, [...tab.slice(0, 20), '[1,["damaged"', ...tab.slice(20), ...now]);

    await sendLeftSpool(
      own,
      dir,
      HOST,
      {
        MEASUREMENTS: 'cpu',
      },
      async (values, daemon) => {
        const all = async (): Promise<boolean> =>
          (await values('tab_total')).length === 40 && (await values('tab_after_total')).length === 40;
        expect(await eventually(all, 30_000), daemon.stderr).toBe(true);
        expect(await values('tab_total')).toEqual(FORTY);
        expect(await values('tab_ratio')).toEqual(FORTY.map((i) => i / 4));
        const rejected = async (): Promise<boolean> =>
          logLines(daemon).some((l) => l.msg === 'the database rejected points' && l.points === 1);
        expect(await eventually(rejected, 10_000), daemon.stderr).toBe(true);
      },
    );
  }, 90_000);
});
