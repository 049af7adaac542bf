import { mkdirSync, openSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Server, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { errorCode } from './errorCode.js';

/** Another process holds the spool: names the folder and the holder. */
export class SpoolLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: string | undefined,
  ) {
    super(
      `SPOOL_DIR=${JSON.stringify(dir)} is in use by another docker-stats-service` +
        `${holder ? ` (pid ${holder})` : ''}: each daemon needs a spool folder of its own`,
    );
    this.name = 'SpoolLockedError';
  }
}

/** The spool's lock, held until released or the process ends. */
export interface SpoolLock {
  release(): void;
  /** Set when the disk could not take the lock (EROFS, ENOSPC) and no live process held it: the spool runs unlocked. */
  readonly unlocked?: string;
}

const LOCK = 'lock.sock';
const TAKEOVER = 'lock.takeover';
/** A takeover left by a process that died in it (it lasts milliseconds) is stale after this. */
const TAKEOVER_STALE_MS = 10_000;
const PROBE_TIMEOUT_MS = 2_000;
/** sockaddr_un holds 108 bytes: a longer folder is reached through a descriptor of it. */
const SOCKET_PATH_MAX = 100;

const DISK_FAULTS = new Set(['EROFS', 'ENOSPC']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Locks a spool folder for this process: a unix socket in it, listening while the process lives.
 * Node has no flock, and a pid file cannot tell a live holder from a dead one across pid
 * namespaces (two containers on one host volume, each daemon pid 1); a socket can: connecting
 * succeeds exactly while its holder lives, whatever namespace it is in, and the kernel closes
 * it when that process dies, even by kill -9. The holder answers its pid and host, for the error.
 * A dead holder's socket is taken over by one starter at a time (a takeover folder, made
 * atomically), so that two starters never both remove it and both hold the folder.
 */
export async function lockSpool(dir: string): Promise<SpoolLock> {
  mkdirSync(dir, { recursive: true });
  const path = socketPath(dir);
  for (let tries = 0; ; tries++) {
    let refused: string | undefined;
    try {
      return lockOf(await listen(path));
    } catch (error) {
      refused = errorCode(error);
      if (refused !== 'EADDRINUSE' && !DISK_FAULTS.has(refused!)) throw error;
    }
    const holder = await holderOf(path);
    if (holder.held) throw new SpoolLockedError(dir, holder.who);
    // A read-only or full disk cannot take the lock, nor a second spool's writes: run rather than crash-loop.
    if (refused !== 'EADDRINUSE') return { release: () => undefined, unlocked: refused };
    if (!startTakeover(dir)) {
      if (tries > 200) throw new SpoolLockedError(dir, undefined);
      await sleep(50);
      continue;
    }
    try {
      if (!(await holderOf(path)).held) unlinkSync(path);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    } finally {
      endTakeover(dir);
    }
  }
}

function socketPath(dir: string): string {
  const path = join(dir, LOCK);
  if (Buffer.byteLength(path) <= SOCKET_PATH_MAX) return path;
  return `/proc/self/fd/${openSync(dir, 'r')}/${LOCK}`; // the descriptor stays open with the lock
}

function lockOf(server: Server): SpoolLock {
  server.unref();
  return { release: () => void server.close() }; // closing a listening pipe removes its file
}

function listen(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) =>
      socket.on('error', () => undefined).end(`${process.pid} on ${hostname()}\n`),
    );
    server.once('error', reject).listen(path, () => resolve(server));
  });
}

/** Whether a live process listens on the lock, and what it says it is. */
function holderOf(path: string): Promise<{ held: boolean; who?: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let connected = false;
    let said = '';
    const held = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ held: true, ...(said.trim() ? { who: said.trim() } : {}) });
    };
    const timer = setTimeout(held, PROBE_TIMEOUT_MS); // connected, but it does not answer: alive all the same
    socket.setEncoding('utf8');
    socket.on('connect', () => (connected = true));
    socket.on('data', (text: string) => (said += text));
    socket.on('end', held);
    socket.on('error', (error) => {
      if (connected) return held();
      clearTimeout(timer);
      const code = errorCode(error);
      if (code === 'ECONNREFUSED' || code === 'ENOENT') resolve({ held: false });
      else reject(error);
    });
  });
}

function startTakeover(dir: string): boolean {
  const takeover = join(dir, TAKEOVER);
  try {
    mkdirSync(takeover);
    return true;
  } catch (error) {
    // A full disk cannot make the folder: go on without it (only two starters at once could both take over).
    if (errorCode(error) === 'ENOSPC') return true;
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  try {
    if (Date.now() - statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) rmdirSync(takeover);
  } catch {
    // gone meanwhile: the next try makes it
  }
  return false;
}

function endTakeover(dir: string): void {
  try {
    rmdirSync(join(dir, TAKEOVER));
  } catch {
    // not made (a full disk), or already gone
  }
}
