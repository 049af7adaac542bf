import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The test bed's Podman (scripts/testbed.sh): rootful, its Docker-compatible API on this socket. */
export const PODMAN_SOCKET = process.env.DSS_PODMAN_SOCK ?? '/run/podman/podman.sock';
export const PODMAN_ENGINE = `unix://${PODMAN_SOCKET}`;

/** runc fails to set rlimits on this machine without these (../shared/reference/engine-facts.md). */
export const PODMAN_ULIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

/** The podman CLI's standard output for these arguments. */
export async function podman(...args: string[]): Promise<string> {
  return (await run('podman', args)).stdout;
}

export async function requirePodman(): Promise<void> {
  try {
    await podman('--url', PODMAN_ENGINE, 'version');
  } catch (error) {
    throw new Error(
      `Podman tests need podman serving ${PODMAN_ENGINE}; run scripts/testbed.sh (as root). ${String(error)}`,
    );
  }
}
