import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/**
 * A kernel file that refuses to be opened for reading, even by root, who ignores file modes: a
 * write-only sysfs or procfs attribute, for which the kernel answers EACCES. A fake tree's file
 * made a link to it fails as a file the collector may not read fails. Undefined when this kernel
 * has none of them.
 */
function writeOnlyKernelFile(): string | undefined {
  for (const path of ['/sys/bus/cpu/uevent', '/sys/bus/pci/drivers_probe', '/proc/sys/vm/compact_memory']) {
    try {
      closeSync(openSync(path, 'r'));
    } catch (error) {
      if (codeOf(error) === 'EACCES') return path;
    }
  }
  return undefined;
}

/** Makes a fake tree's file fail to read, for real: EACCES (a link to `writeOnlyKernelFile`) or EISDIR (a folder). */
export function breakFile(path: string, fault: 'EACCES' | 'EISDIR'): void {
  rmSync(path, { force: true, recursive: true });
  if (fault === 'EISDIR') return void mkdirSync(path);
  const target = writeOnlyKernelFile();
  if (!target) throw new Error('this kernel has no write-only attribute file to make EACCES with');
  symlinkSync(target, path);
}

/**
 * This process's table of open files, filled for real, so that the next open fails with EMFILE
 * as it does in a collector that has run out. The soft limit is lowered first (`prlimit`, to a
 * few dozen files above those open now) so that filling it takes a few dozen files, not the
 * hundreds of thousands Node raises it to; `restore` gives the limit back. Fill and release
 * within one synchronous run (virtual time): nothing else of the process opens a file meanwhile.
 */
export class FileTable {
  private readonly fds: number[] = [];
  private readonly soft: string;
  private readonly hard: string;

  constructor() {
    const limits = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    [this.soft, this.hard] = [limits?.[1] ?? 'unlimited', limits?.[2] ?? 'unlimited'];
    const open = readdirSync('/proc/self/fd').length;
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${open + 64}:${this.hard}`]);
  }

  /** Opens /dev/null until the kernel says EMFILE. */
  fill(): void {
    try {
      for (;;) this.fds.push(openSync('/dev/null', 'r'));
    } catch (error) {
      if (codeOf(error) !== 'EMFILE') throw error;
    }
  }

  release(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
  }

  restore(): void {
    this.release();
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${this.soft}:${this.hard}`]);
  }
}
