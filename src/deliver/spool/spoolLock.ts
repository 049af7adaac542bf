import { mkdirSync, openSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { errorCode } from './errorCode.js';
import { SpoolLockedError, holderOf } from './spoolLockHolder.js';

export { SpoolLockedError } from './spoolLockHolder.js';

/** The spool's lock, held until released or the process ends. */
export interface SpoolLock {
  release(): void;
  /** Set when the disk could not take the lock (EROFS, ENOSPC) and no live process held it: the spool runs unlocked. */
  readonly unlocked?: string;
}

const LOCK = 'lock.sock';
const TAKEOVER = 'lock.takeover';
/** The holder's pid and host, for a starter whose probe the holder does not answer (a stopped process). */
const HOLDER = 'lock.holder';
/** A takeover left by a process that died in it (it lasts milliseconds) is stale after this. */
const TAKEOVER_STALE_MS = 10_000;
const TAKEOVER_WAIT_MS = 50;
/** sockaddr_un holds 108 bytes: a longer folder is reached through a descriptor of it. */
const SOCKET_PATH_MAX = 100;

const DISK_FAULTS = new Set(['EROFS', 'ENOSPC']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/**
 * Test only (test/integration/spool.lock.real.test.ts): DSS_TEST_LOCK_PAUSE_MS pauses before each
 * bind and after each probe, widening the windows in which racing starters could interleave.
 * It only slows the lock down: correctness never rests on timing. Unset (0) in use.
 */
const testPause = (): Promise<void> => sleep(Number(process.env.DSS_TEST_LOCK_PAUSE_MS ?? 0));

/**
 * Locks a spool folder for this process: a unix socket in it, listening while the process lives.
 * Node has no flock, and a pid file cannot tell a live holder from a dead one across pid
 * namespaces (two containers on one host volume, each daemon pid 1); a socket can: connecting
 * succeeds exactly while its holder lives, whatever namespace it is in, and the kernel closes
 * it when that process dies, even by kill -9. The holder answers its pid and host, for the error.
 * The socket is bound, and a dead holder's removed, only under a takeover folder (made
 * atomically): a starter never removes a socket another has bound since it probed.
 */
export async function lockSpool(dir: string): Promise<SpoolLock> {
  mkdirSync(dir, { recursive: true });
  const path = socketPath(dir);
  for (let waited = 0; ; waited += TAKEOVER_WAIT_MS) {
    const takeover = startTakeover(dir);
    if (takeover.taken) {
      try {
        return await bindLock(dir, path);
      } finally {
        endTakeover(dir);
      }
    }
    // Another starter is in the takeover, or the disk refuses the folder: a live holder settles it.
    const holder = await holderOf(path, join(dir, HOLDER));
    await testPause();
    if (holder.held) throw new SpoolLockedError(dir, holder.who);
    // A read-only or full disk cannot take the lock, nor a second spool's writes: run rather than crash-loop.
    if (takeover.refused) return unlockedBy(takeover.refused);
    if (waited > TAKEOVER_STALE_MS * 2) throw new SpoolLockedError(dir, `another process stays in ${TAKEOVER}`);
    await sleep(TAKEOVER_WAIT_MS);
  }
}

/**
 * Binds the lock, under the takeover folder, first removing a dead holder's socket. Outside it
 * nobody binds or removes the socket (but a live holder releasing its own), so one probed stale
 * stays stale until removed here, and the path stays free until bound here.
 */
async function bindLock(dir: string, path: string): Promise<SpoolLock> {
  for (let tries = 0; ; tries++) {
    await testPause();
    try {
      return lockOf(dir, await listen(path));
    } catch (error) {
      const code = errorCode(error);
      if (DISK_FAULTS.has(code)) return unlockedBy(code);
      if (code !== 'EADDRINUSE' || tries > 1) throw error;
    }
    const holder = await holderOf(path, join(dir, HOLDER));
    await testPause();
    if (holder.held) throw new SpoolLockedError(dir, holder.who);
    try {
      unlinkSync(path);
    } catch (error) {
      const code = errorCode(error);
      if (DISK_FAULTS.has(code)) return unlockedBy(code);
      if (code !== 'ENOENT') throw error;
    }
  }
}

/** One descriptor a long folder, kept open with the process: the lock is tried again while unlocked. */
const folderFds = new Map<string, number>();
function socketPath(dir: string): string {
  const path = join(dir, LOCK);
  if (Buffer.byteLength(path) <= SOCKET_PATH_MAX) return path;
  const fd = folderFds.get(dir) ?? openSync(dir, 'r');
  folderFds.set(dir, fd);
  return `/proc/self/fd/${fd}/${LOCK}`;
}

const WHO = `${process.pid} on ${hostname()}`;

/** The lock taken: its holder file written (best effort: a full disk may refuse it), released by closing. */
function lockOf(dir: string, server: Server): SpoolLock {
  server.unref();
  const holderFile = join(dir, HOLDER);
  try {
    writeFileSync(holderFile, `${WHO}\n`);
  } catch {
    removeQuietly(holderFile); // no stale or partial pid in it
  }
  return {
    release: () => {
      removeQuietly(holderFile); // before the socket goes: then the next holder's file is never removed
      server.close(); // closing a listening pipe removes its file
    },
  };
}

/** No lock: the disk refused it (`code`), and no live process held it. */
const unlockedBy = (code: string): SpoolLock => ({ release: () => undefined, unlocked: code });

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already, or the disk refuses: the next holder overwrites it
  }
}

function listen(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.on('error', () => undefined).end(`${WHO}\n`));
    server.once('error', reject).listen(path, () => resolve(server));
  });
}

/** Makes the takeover folder: taken, or refused by the disk (its code), else another process is in it. */
function startTakeover(dir: string): { taken?: true; refused?: string } {
  const takeover = join(dir, TAKEOVER);
  try {
    mkdirSync(takeover);
    return { taken: true };
  } catch (error) {
    const code = errorCode(error);
    if (DISK_FAULTS.has(code)) return { refused: code };
    if (code !== 'EEXIST') throw error;
  }
  try {
    if (Date.now() - statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) rmdirSync(takeover);
  } catch (error) {
    const code = errorCode(error);
    if (DISK_FAULTS.has(code)) return { refused: code };
    // gone meanwhile: the next try makes it
  }
  return {};
}

function endTakeover(dir: string): void {
  try {
    rmdirSync(join(dir, TAKEOVER));
  } catch {
    // already gone
  }
}
