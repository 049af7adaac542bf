import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import type { HostView } from './cgroupRecord.js';
import { parseMemTotal, parseNumber } from './cgroupText.js';
import type { FileHandle } from './containerFiles.js';

/**
 * Files kept open at most: half of what the process may open (the rest is for sockets), so a
 * container's files stay open for the first containers, and the files of the containers past the
 * limit are opened at each read instead. Not least-recently-used: the sampler reads every
 * container in turn, which would make an LRU cache smaller than all the files miss on every read.
 */
export function openFileBudget(limits = '/proc/self/limits'): number {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync(limits, 'utf8'))?.[1];
    return soft ? Math.floor(Number(soft) / 2) : 512;
  } catch {
    return 512;
  }
}

/** A single-number file's bytes as its number, with no string made; undefined when they are not one. */
function bytesNumber(buffer: Buffer, n: number): number | undefined {
  let i = 0;
  while (i < n && buffer[i] === 0x20) i++;
  const negative = buffer[i] === 0x2d;
  if (negative) i++;
  let value = 0;
  let digits = 0;
  for (; i < n; i++, digits++) {
    const c = buffer[i]!;
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
  }
  if (digits === 0) return parseNumber(buffer.toString('latin1', 0, n));
  return negative ? -value : value;
}

/**
 * The host's files as the cgroup source reads them: each file kept open and read again from its
 * start (one pread, where opening, reading and closing it each time would be three system calls
 * and a file object): cgroup and /proc files are generated anew by the kernel at every read from
 * offset 0 (docs/benchmarks.md, section 6). Reads are synchronous: a file is a few hundred bytes,
 * and the sampler reads containers in slices between turns of the event loop. A handle whose file
 * is gone fails (ENOENT, ENODEV, ESRCH). Past `maxOpen` open files (`openFileBudget`), a new
 * handle opens its file at each read instead.
 */
export function hostFiles(proc: string, maxOpen = openFileBudget()): HostView {
  let buffer = Buffer.allocUnsafe(16 * 1024);
  let kept = 0;
  /** The whole file into `buffer` (grown as needed); how many bytes it holds. */
  const readAll = (fd: number): number => {
    let n = readSync(fd, buffer, 0, buffer.length, 0);
    while (n === buffer.length) {
      buffer = Buffer.allocUnsafe(buffer.length * 2);
      n = readSync(fd, buffer, 0, buffer.length, 0);
    }
    return n;
  };
  const open = (path: string): FileHandle => {
    let fd: number | undefined;
    const load = (): number => {
      if (fd === undefined && kept >= maxOpen) {
        const once = openSync(path, 'r');
        try {
          return readAll(once);
        } finally {
          closeSync(once);
        }
      }
      if (fd === undefined) {
        fd = openSync(path, 'r');
        kept++;
      }
      return readAll(fd);
    };
    const close = (): void => {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
      kept--;
    };
    const guarded = <T>(use: (n: number) => T): T => {
      try {
        return use(load());
      } catch (error) {
        close(); // gone: a later read opens it anew, or fails
        throw error;
      }
    };
    return {
      text: () => guarded((n) => buffer.toString('latin1', 0, n)),
      number: () => guarded((n) => bytesNumber(buffer, n)),
      close,
    };
  };
  let memTotal: number | undefined;
  try {
    memTotal = parseMemTotal(readFileSync(`${proc}/meminfo`, 'utf8'));
  } catch {
    memTotal = undefined; // limits are then reported as the files give them
  }
  return { proc, memTotal, open, readFile: (path) => readFileSync(path, 'latin1') };
}

export const pathExists = (path: string): boolean => existsSync(path);
