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
  const { stdout } = await run(
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
  stagesOf.set(tag, stageImages(stdout));
}

/** The images of a build's earlier stages, by the tag built: untagged, `removeAll` removes them. */
const stagesOf = new Map<string, string[]>();

/**
 * The last image of each stage before the last, from the classic builder's output: the image
 * (` ---> <id>`) printed before a later `Step k/n : FROM`. Left behind, the build stage was a
 * dangling 480 MB image (and its layers) per build.
 */
export function stageImages(output: string): string[] {
  const stages: string[] = [];
  let last: string | undefined;
  for (const line of output.split('\n')) {
    const image = /^ ---> ([0-9a-f]{12,64})\s*$/.exec(line)?.[1];
    if (image) last = image;
    else if (/^Step \d+\/\d+ : FROM /i.test(line) && last !== undefined) {
      stages.push(last);
      last = undefined;
    }
  }
  return stages;
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

/**
 * Removes the containers and the image tag a suite made (a tag shared with another only loses its
 * name), and its build's earlier stages (untagged; one another image still uses stays).
 */
export async function removeAll(containers: string[], tag: string): Promise<void> {
  for (const name of containers) await dockerCli('rm', '-f', name).catch(() => undefined);
  await dockerCli('rmi', '-f', tag).catch(() => undefined);
  for (const stage of stagesOf.get(tag) ?? []) await dockerCli('rmi', stage).catch(() => undefined);
  stagesOf.delete(tag);
}
