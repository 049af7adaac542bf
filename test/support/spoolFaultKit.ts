import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { DeliveryEvent } from '../../src/model/telemetry.js';
import { type PrivateTmpfs, privateTmpfs } from './privateTmpfs.js';
import { type SpoolDisk, type SpoolProcess, spoolProcess } from './spoolProcess.js';

/**
 * What the spool's fault tests share: disks (a plain temp folder, or a small tmpfs in a private
 * namespace) and spool processes on them, all ended after each test.
 */
export function spoolFaultKit(): {
  plainDisk(): SpoolDisk;
  diskOf(size: string): Promise<PrivateTmpfs>;
  spoolOn(disk: SpoolDisk): SpoolProcess;
  cleanups: Array<() => Promise<void>>;
} {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    cleanups,
    plainDisk() {
      const dir = mkdtempSync(join(tmpdir(), 'dss-spool-faults-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      return { dir, spawn };
    },
    async diskOf(size) {
      const disk = await privateTmpfs(size);
      cleanups.push(() => disk.close());
      return disk;
    },
    spoolOn(disk) {
      const spool = spoolProcess(disk);
      cleanups.push(() => spool.kill());
      return spool;
    },
  };
}

/** The events of one type. */
export const ofType = <T extends DeliveryEvent['type']>(events: DeliveryEvent[], type: T) =>
  events.filter((e): e is Extract<DeliveryEvent, { type: T }> => e.type === type);

/** Every line a spool hands out until it is empty, each chunk acknowledged. */
export async function drain(spool: SpoolProcess): Promise<string[]> {
  const lines: string[] = [];
  for (let c = await spool.shift(); c.lines; c = await spool.shift()) {
    lines.push(...c.lines);
    await spool.done();
  }
  return lines;
}
