import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import type { HostView } from './cgroupRecord.js';
import { parseMemTotal } from './cgroupText.js';

/** The host's files as the cgroup source reads them, and how it lets go of them. */
export interface HostFiles extends HostView {
  forget(prefix: string): void;
  /** Closes every file kept open. */
  close(): void;
}

/**
 * Files kept open at most: half of what the process may open (the rest is for sockets), so a
 * container's dozen files stay open for the first containers, and the files of the containers
 * past the limit are opened at each read instead. Not least-recently-used: the sampler reads
 * every container in turn, which would make an LRU cache smaller than all the files miss on
 * every read.
 */
export function openFileBudget(limits = '/proc/self/limits'): number {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync(limits, 'utf8'))?.[1];
    return soft ? Math.floor(Number(soft) / 2) : 512;
  } catch {
    return 512;
  }
}

/**
 * The host's files, each kept open and read again from its start (one pread, where opening,
 * reading and closing it each time would be three system calls and a file object): cgroup and
 * /proc files are generated anew by the kernel at every read from offset 0
 * (docs/benchmarks.md, section 6). Reads are synchronous: a file is a few hundred bytes, and the
 * sampler reads containers in slices between turns of the event loop. A file of a container
 * that is gone fails (ENOENT, ENODEV, ESRCH) and is closed. Past `maxOpen` files
 * (`openFileBudget`), new files are opened, read and closed each time.
 */
export function hostFiles(proc: string, maxOpen = openFileBudget()): HostFiles {
  const open = new Map<string, number>();
  let buffer = Buffer.allocUnsafe(16 * 1024);
  const drop = (path: string): void => {
    const fd = open.get(path);
    open.delete(path);
    if (fd !== undefined) closeSync(fd);
  };
  const readAll = (fd: number): string => {
    let n = readSync(fd, buffer, 0, buffer.length, 0);
    while (n === buffer.length) {
      buffer = Buffer.allocUnsafe(buffer.length * 2);
      n = readSync(fd, buffer, 0, buffer.length, 0);
    }
    return buffer.toString('latin1', 0, n);
  };
  const readFile = (path: string): string => {
    const kept = open.get(path);
    if (kept === undefined && open.size >= maxOpen) {
      const fd = openSync(path, 'r');
      try {
        return readAll(fd);
      } finally {
        closeSync(fd);
      }
    }
    const fd = kept ?? openSync(path, 'r');
    open.set(path, fd);
    try {
      return readAll(fd);
    } catch (error) {
      drop(path);
      throw error;
    }
  };
  let memTotal: number | undefined;
  try {
    memTotal = parseMemTotal(readFileSync(`${proc}/meminfo`, 'utf8'));
  } catch {
    memTotal = undefined; // limits are then reported as the files give them
  }
  return {
    proc,
    memTotal,
    readFile,
    forget: (prefix) => {
      for (const path of [...open.keys()]) if (path.startsWith(prefix)) drop(path);
    },
    close: () => {
      for (const path of [...open.keys()]) drop(path);
    },
  };
}

export const pathExists = (path: string): boolean => existsSync(path);
