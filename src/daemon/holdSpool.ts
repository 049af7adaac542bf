import type { Subscription } from 'rxjs';
import { SpoolError } from '../app/sinksFor.js';
import type { Logger } from '../model/logger.js';
import { type SpoolLock, SpoolLockedError, lockSpool } from '../deliver/spool/spoolLock.js';
import { RELOCK_EVERY_MS, relockSpool } from '../deliver/spool/spoolRelock.js';

/** Another daemon took the spool while this one ran unlocked: this one stopped, and leaves it (exit 2). */
export class SpoolTakenError extends Error {
  constructor(readonly spoolDir: string) {
    super(`SPOOL_DIR=${JSON.stringify(spoolDir)} was taken by another daemon`);
    this.name = 'SpoolTakenError';
  }
}

/**
 * Locks SPOOL_DIR, so that a second daemon on it does not delete the first's segments: rejects
 * with SpoolLockedError when another daemon holds it, SpoolError when it cannot be locked.
 * A disk that refuses the lock (EROFS, ENOSPC) is only warned of: the spool runs unlocked.
 */
export async function lockSpoolDir(dir: string, log: Logger): Promise<SpoolLock> {
  let lock: SpoolLock;
  try {
    lock = await lockSpool(dir);
  } catch (error) {
    if (error instanceof SpoolLockedError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SpoolError(`invalid config: SPOOL_DIR=${JSON.stringify(dir)}: cannot lock it (${code})`);
  }
  if (lock.unlocked)
    log.warn(
      { spoolDir: dir, code: lock.unlocked, retryMs: RELOCK_EVERY_MS },
      'SPOOL_DIR cannot take its lock (the disk refuses it): running without one, trying it again until taken',
    );
  return lock;
}

/**
 * While the spool runs unlocked, tries its lock again until taken (`taken`); when another daemon
 * took it meanwhile, logs it and calls `lost`: the one that took the lock keeps it.
 */
export function relockSpoolDir(
  dir: string,
  log: Logger,
  taken: (lock: SpoolLock) => void,
  lost: () => void,
): Subscription {
  return relockSpool(() => lockSpool(dir)).subscribe({
    next: (lock) => {
      taken(lock);
      log.info({ spoolDir: dir }, 'SPOOL_DIR is locked again: a second daemon on it is refused');
    },
    error: (error: unknown) => {
      // Two daemons wrote it while neither could lock it.
      log.error({ spoolDir: dir }, `${String((error as Error).message)}; stopping`);
      lost();
    },
  });
}
