import { type ChildProcess, type SpawnOptions, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small tmpfs in a mount namespace of its own: a disk to fill, remount read-only or break, for real. */
export interface PrivateTmpfs {
  /** Where it is mounted (inside the namespace; an empty folder outside it). */
  readonly dir: string;
  /** Runs a shell command inside the namespace; its stdout. */
  sh(command: string): string;
  /** Starts a process inside the namespace. */
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Bytes free on it. */
  free(): number;
  /** Takes all but `leave` bytes of what is free, with a file of its own (`filler`). */
  fill(leave?: number): void;
  /** Gives back what `fill` took. */
  unfill(): void;
  /** Ends the namespace: the tmpfs and everything on it go. */
  close(): Promise<void>;
}

/**
 * Mounts a tmpfs of `size` (e.g. '2m') in a private mount namespace (`unshare -m`, as root),
 * kept alive by a holder process that other processes join with `nsenter`, so that a process
 * killed with -9 leaves the files on it for the next one, as on a real disk.
 */
export async function privateTmpfs(size: string): Promise<PrivateTmpfs> {
  const dir = mkdtempSync(join(tmpdir(), 'dss-tmpfs-'));
  const holder = spawn(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs -o size=${size} tmpfs "$0" && echo ready && exec sleep infinity`,
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [ready] = (await once(holder.stdout!, 'data')) as [Buffer];
  if (ready.toString().trim() !== 'ready') throw new Error(`no tmpfs in a private namespace: ${ready.toString()}`);
  const enter = ['-t', String(holder.pid), '-m', '--'];
  const sh = (command: string): string =>
    execFileSync('nsenter', [...enter, 'sh', '-c', command], { encoding: 'utf8' }).trim();
  const free = (): number => Number(sh(`df -B1 --output=avail "${dir}" | tail -1`));
  let fillers = 0;
  return {
    dir,
    sh,
    spawn: (command, args, options = {}) => spawn('nsenter', [...enter, command, ...args], options),
    free,
    fill(leave = 0) {
      const take = free() - leave;
      if (take > 0) sh(`fallocate -l ${take} "${dir}/filler-${fillers++}"`);
    },
    unfill: () => void sh(`rm -f "${dir}"/filler-*`),
    async close() {
      holder.kill('SIGKILL');
      await once(holder, 'exit').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
