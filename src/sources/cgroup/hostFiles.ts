import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import type { HostView } from './cgroupSample.js';
import { parseMemTotal, parseNumber } from './cgroupText.js';
import type { FileHandle } from './containerFiles.js';
import { fileOfError } from './readFaults.js';

/** Open files left to everything else (the engine's sockets, the database's, logs). */
export const FILES_FOR_OTHERS = 2048;

/**
 * Files kept open at most: what the process may open (Node raises its soft limit to the hard one
 * at start) but `FILES_FOR_OTHERS`, and at least half of it. The files of the first containers
 * stay open; those of the containers past the limit are opened at each read instead. Not
 * least-recently-used: the sampler reads every container in turn, which would make an LRU cache
 * smaller than all the files miss on every read.
 */
export function openFileBudget(limits = '/proc/self/limits'): number {
  try {
    const soft = Number(/^Max open files\s+(\d+)/m.exec(readFileSync(limits, 'utf8'))?.[1]);
    return soft > 0 ? Math.max(Math.floor(soft / 2), soft - FILES_FOR_OTHERS) : 512;
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

/** What the handles of one host share: one read buffer, and the count of files kept open. */
class SharedReads {
  buffer = Buffer.allocUnsafe(16 * 1024);
  kept = 0;
  constructor(readonly maxOpen: number) {}

  /** The whole file into `buffer` (grown as needed); how many bytes it holds. */
  readAll(fd: number): number {
    let n = readSync(fd, this.buffer, 0, this.buffer.length, 0);
    while (n === this.buffer.length) {
      this.buffer = Buffer.allocUnsafe(this.buffer.length * 2);
      n = readSync(fd, this.buffer, 0, this.buffer.length, 0);
    }
    return n;
  }
}

/**
 * A file kept open and read again from its start, or opened at each read when the host's budget
 * of open files is spent. A class, not closures: 10,000 containers have 90,000 of them.
 */
class KeptFile implements FileHandle {
  private fd: number | undefined;
  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly shared: SharedReads,
    private readonly keep: boolean,
  ) {}

  private load(): number {
    const { shared } = this;
    try {
      if (this.fd === undefined && (!this.keep || shared.kept >= shared.maxOpen)) {
        const once = openSync(`${this.dir}/${this.name}`, 'r');
        try {
          return shared.readAll(once);
        } finally {
          closeSync(once);
        }
      }
      if (this.fd === undefined) {
        this.fd = openSync(`${this.dir}/${this.name}`, 'r');
        shared.kept++;
      }
      return shared.readAll(this.fd);
    } catch (error) {
      this.close(); // gone: a later read opens it anew, or fails
      throw fileOfError(error, this.name);
    }
  }

  text(): string {
    const n = this.load(); // first: a long file grows the buffer
    return this.shared.buffer.toString('latin1', 0, n);
  }

  number(): number | undefined {
    const n = this.load();
    return bytesNumber(this.shared.buffer, n);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    this.shared.kept--;
  }
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
  const shared = new SharedReads(maxOpen);
  let memTotal: number | undefined;
  try {
    memTotal = parseMemTotal(readFileSync(`${proc}/meminfo`, 'utf8'));
  } catch {
    memTotal = undefined; // limits are then reported as the files give them
  }
  return {
    proc,
    memTotal,
    open: (dir, name, keep = true) => new KeptFile(dir, name, shared, keep),
    readFile: (path) => readFileSync(path, 'latin1'),
  };
}

export const pathExists = (path: string): boolean => existsSync(path);
