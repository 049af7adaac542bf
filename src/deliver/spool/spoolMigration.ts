import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileOf, listSegments, syncDirectory } from './segmentFiles.js';

/** Left in a sink's spool folder while segments move into it: a move cut short is taken up again. */
const MOVING = '.moving-from-spool-dir';

/**
 * The segments of the old layout and of a sink's folder are two logs: merged, the acks of one
 * could name the records of the other.
 */
export class SpoolLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpoolLayoutError';
  }
}

/**
 * Moves the segments that a version with one spool left directly in SPOOL_DIR (`root`) into
 * the folder of the sink that takes them over (`dir`, under `root`), so that nothing spooled is
 * lost by an upgrade: renamed with their numbers (an ack names its record by segment number),
 * and both folders synced, the marker first so that a move cut short by a crash goes on at the
 * next start. Returns the segments moved. Throws `SpoolLayoutError` when `dir` already holds a
 * log of its own (the old and the new spool both written: the operator chooses, nothing is deleted).
 */
export function moveRootSegments(root: string, dir: string): number {
  const old = listSegments(root);
  const marker = join(dir, MOVING);
  if (old.length === 0) {
    if (existsSync(marker)) rmSync(marker);
    return 0;
  }
  mkdirSync(dir, { recursive: true });
  syncDirectory(root);
  const moving = existsSync(marker);
  const own = listSegments(dir);
  if (own.length > 0 && !moving)
    throw new SpoolLayoutError(
      `${root} holds segments of the spool of an earlier version and ${dir} holds its own: ` +
        `move one set away (nothing was deleted)`,
    );
  const taken = old.find((segment) => own.includes(segment));
  if (taken !== undefined)
    throw new SpoolLayoutError(`${fileOf(root, taken)} and ${fileOf(dir, taken)} both exist: move one away`);
  if (!moving) {
    writeFileSync(marker, root, { flush: true });
    syncDirectory(dir);
  }
  for (const segment of old) renameSync(fileOf(root, segment), fileOf(dir, segment));
  syncDirectory(dir);
  syncDirectory(root);
  rmSync(marker);
  syncDirectory(dir);
  return old.length;
}
