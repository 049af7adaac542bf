import { parseNumber } from './cgroupText.js';
import { codeOf } from './readFaults.js';

/** One file of a container, kept open by its reader where it can be. */
export interface FileHandle {
  text(): string;
  /** A single-number file's number; `max`: undefined. */
  number(): number | undefined;
  close(): void;
}

/** Where a container's files are read: the host's files, and a handle on one of them. */
export interface FileOpener {
  /**
   * The file `name` in `dir` (a container's directory, shared by its files; a constant name):
   * kept apart so that a handle holds no path of its own. `keep`: worth a file kept open (read at
   * every sample); default true.
   */
  open(dir: string, name: string, keep?: boolean): FileHandle;
}

/** Slow files are read at the first sample and then every this many (10 s at the default interval). */
export const SLOW_EVERY = 10;

/**
 * A container's files between samples: a handle per file, found by the file's name (each name is
 * one constant string, so nothing is built or hashed per read), and the text of the slow files
 * (limits; the throttling counters of a container with no CPU quota; the memory high-water mark;
 * block I/O lists that are still empty), read again every `SLOW_EVERY` samples. Each slow file
 * is one read fewer per sample: on a machine that wakes once a second to read, a read costs
 * several times what it costs in a loop (docs/benchmarks.md, section 6).
 */
export class ContainerFiles {
  private readonly handles = new Map<string, FileHandle>();
  /** Slow files are not kept open: they are read every `SLOW_EVERY` samples. */
  private readonly slowHandles = new Map<string, FileHandle>();
  private readonly slow = new Map<string, string>();
  private readonly listing = new Set<string>();
  /** Optional files found absent, looked for again when the slow files are due. */
  private readonly absent = new Set<string>();
  private samples = 0;

  constructor(private readonly opener: FileOpener) {}

  private handle(dir: string, name: string, keep = true): FileHandle {
    const handles = keep ? this.handles : this.slowHandles;
    let handle = handles.get(name);
    if (!handle) handles.set(name, (handle = this.opener.open(dir, name, keep)));
    return handle;
  }

  text(dir: string, name: string): string {
    return this.handle(dir, name).text();
  }

  number(dir: string, name: string): number | undefined {
    return this.handle(dir, name).number();
  }

  /** A slow file's text: kept from its last read unless a refresh is due. */
  slowText(dir: string, name: string): string {
    const kept = this.slow.get(name);
    if (kept !== undefined && !this.due()) return kept;
    const fresh = this.handle(dir, name, false).text();
    this.slow.set(name, fresh);
    return fresh;
  }

  /**
   * The text of a file that is not in every cgroup (`slow`: read as `slowText`), or undefined while
   * it is absent: its controller is not enabled for this cgroup (v2 without pids, memory or io) or
   * the kernel has no such file (v1 without CFS bandwidth), which the engine's readers take as no
   * data for that part (containerd/cgroups: `IgnoreNotExist` on v1, `os.IsNotExist` on v2). Its
   * absence is kept and checked again when the slow files are due, not at every sample: a failed
   * open is cheap, but v2 can enable a controller on a running cgroup (cgroup.subtree_control).
   */
  optionalText(dir: string, name: string, slow = false): string | undefined {
    if (this.absent.size > 0 && this.absent.has(name) && !this.due()) return undefined;
    try {
      const text = slow ? this.slowText(dir, name) : this.text(dir, name);
      if (this.absent.size > 0) this.absent.delete(name);
      return text;
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') throw error;
      this.absent.add(name);
      return undefined;
    }
  }

  /**
   * The text of a file whose fields are extras (the PSI files), or undefined when it cannot be
   * read, for any reason: absent (a kernel without PSI, a v1-only host) or refused (a kernel
   * booted with psi=0 answers EOPNOTSUPP). Only its own fields are lost, never the container's
   * sample; it is looked for again when the slow files are due, as an absent optional file is.
   */
  extraText(dir: string, name: string): string | undefined {
    if (this.absent.size > 0 && this.absent.has(name) && !this.due()) return undefined;
    try {
      const text = this.text(dir, name);
      if (this.absent.size > 0) this.absent.delete(name);
      return text;
    } catch {
      this.absent.add(name);
      return undefined;
    }
  }

  private due(): boolean {
    return this.samples % SLOW_EVERY === 0;
  }

  /** Drops a slow file's kept text: it is read at its next use. */
  stale(name: string): void {
    this.slow.delete(name);
  }

  /** Marks a slow file as one to read at every sample from now on (a block I/O list that lists something). */
  list(name: string): void {
    this.listing.add(name);
    this.slowHandles.get(name)?.close();
    this.slowHandles.delete(name);
  }

  listed(name: string): boolean {
    return this.listing.has(name);
  }

  /** One sample read: the count that makes slow files due. */
  sampled(): void {
    this.samples++;
  }

  close(): void {
    for (const handle of [...this.handles.values(), ...this.slowHandles.values()]) handle.close();
    this.handles.clear();
    this.slowHandles.clear();
  }
}

/** Handles that read a file anew at each use, for a host given as `readFile` alone (tests). */
export const readingOpener = (readFile: (path: string) => string): FileOpener => ({
  open: (dir, name) => ({
    text: () => readFile(`${dir}/${name}`),
    number: () => parseNumber(readFile(`${dir}/${name}`)),
    close: () => undefined,
  }),
});
