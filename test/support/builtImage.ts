import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dockerCli } from './dockerCli.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The group of this machine's docker socket (107 on the test bed; 999 is Docker's usual). */
export const socketGid = (): string => String(statSync('/var/run/docker.sock').gid);

/**
 * Builds the image from this checkout on the test bed's local/node-base (scripts/baseimage.sh):
 * no registry is needed; the build's `npm ci` reaches the npm registry through the host's
 * network. No build argument but the base: the image holds no host's socket group.
 */
export async function buildImage(tag: string): Promise<void> {
  await run(
    'docker',
    [
      'build',
      '--force-rm', // a failed step leaves no container behind
      '--network',
      'host',
      '--build-arg',
      'BASE_IMAGE=local/node-base',
      '-t',
      tag,
      '.',
    ],
    { cwd: ROOT, maxBuffer: 64 * 2 ** 20, env: { ...process.env, DOCKER_BUILDKIT: '0' } },
  );
}

/** The README's run line: the socket, the host's /proc and cgroups read-only, its cgroup namespace. */
export const DOCUMENTED_MOUNTS = [
  '--cgroupns',
  'host',
  '-v',
  '/var/run/docker.sock:/var/run/docker.sock:ro',
  '-v',
  '/proc:/host/proc:ro',
  '-v',
  '/sys/fs/cgroup:/host/sys/fs/cgroup:ro',
  '-e',
  'HOST_PROC=/host/proc',
  '-e',
  'HOST_CGROUP=/host/sys/fs/cgroup',
] as const;

/** A container's stdout and stderr so far. */
export async function containerLogs(name: string): Promise<string> {
  const logs = await run('docker', ['logs', name], { maxBuffer: 64 * 2 ** 20 });
  return logs.stdout + logs.stderr;
}

/** Removes the containers and the image tag a suite made (a tag shared with another only loses its name). */
export async function removeAll(containers: string[], tag: string): Promise<void> {
  for (const name of containers) await dockerCli('rm', '-f', name).catch(() => undefined);
  await dockerCli('rmi', '-f', tag).catch(() => undefined);
}
