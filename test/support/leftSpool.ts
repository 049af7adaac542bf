import { join } from 'node:path';
import { SpoolBuffer } from '../../src/deliver/spool/spoolBuffer.js';
import { encodeChunk } from '../../src/model/chunk.js';
import { type RunningDaemon, spawnDaemon } from './daemon.js';
import type { OwnVictoriaMetrics } from './ownVictoriaMetrics.js';

/** A remote_write spool in `dir` (SPOOL_DIR) holding `lines` in one record, as a stopped daemon leaves it. */
export function leaveRemoteWriteSpool(dir: string, lines: readonly string[]): void {
  const spool = new SpoolBuffer({ dir: join(dir, 'remote_write'), maxBytes: 2 ** 24, windowBytes: 2 ** 20, syncMs: 0 });
  spool.push(encodeChunk(lines));
  const lost = spool.close();
  if (lost !== 0) throw new Error(`the spool left behind lost ${lost} points`);
}

/** The values a VictoriaMetrics of the test's own holds for `name` on `host`, sorted. */
export async function sortedValues(own: OwnVictoriaMetrics, name: string, host: string): Promise<number[]> {
  const values = (await own.export(`${name}{host="${host}"}`)).flatMap((s) => s.values);
  return values.sort((a, b) => a - b);
}

/** 0 to 39: what the spools left behind hold, a sample each. */
export const FORTY = Array.from({ length: 40 }, (_, i) => i);

/**
 * The daemon started on a spool left behind (`dir`), sending remote write to `own`, no container
 * watched: it sends what the spool holds; then `check` is run with the values of a name, and the
 * daemon stopped whatever `check` found.
 */
export async function sendLeftSpool(
  own: OwnVictoriaMetrics,
  dir: string,
  host: string,
  env: Record<string, string>,
  check: (values: (name: string) => Promise<number[]>, daemon: RunningDaemon) => Promise<void>,
): Promise<void> {
  const daemon = spawnDaemon({
    INCLUDE_NAMES: 'no-container-has-this-name',
    REMOTE_WRITE_URL: `${own.url}/api/v1/write`,
    SPOOL_DIR: dir,
    METRICS_PORT: '0',
    HOST_TAG: host,
    ...env,
  });
  try {
    await check((name) => sortedValues(own, name, host), daemon);
  } finally {
    daemon.process.kill('SIGTERM');
    await daemon.exited;
  }
}
