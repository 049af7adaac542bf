import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type RunningDaemon, type Spawner, logLines, spawnDaemon } from '../support/daemon.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { eventually } from '../support/realEngine.js';

/** Not root, in no group of the socket's: as a collector container started without group_add. */
const UID = 10001;
const SOCKET_GID = 4242;
let folder: string;
let socketPath: string;

/** Runs the command as uid/gid 10001 with no supplementary groups, or with the given ones. */
const asStranger =
  (groups: number[] = []): Spawner =>
  (command, args, options) => {
    const joined = groups.length ? [`--groups=${groups.join(',')}`] : ['--clear-groups'];
    return spawn('setpriv', [`--reuid=${UID}`, `--regid=${UID}`, ...joined, command, ...args], options);
  };

/** Real listening unix sockets of root and group 4242: docker's (0660), a 0600 one, one in a 0700 folder. */
let strictPath: string;
let lockedPath: string;
const servers: Server[] = [];
async function listen(path: string, mode: number): Promise<void> {
  const server = createServer((s) => s.destroy()).listen(path);
  servers.push(server);
  await once(server, 'listening');
  chmodSync(path, mode);
  chownSync(path, 0, SOCKET_GID);
}
/**
 * The folders above the built daemon that others may not search (a clone in `mktemp -d`, 0700),
 * opened to them for the suite and closed again after: uid 10001 must be able to run the daemon.
 */
const opened: { path: string; mode: number }[] = [];
function openToOthers(path: string): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o005) !== 0o005) {
      opened.push({ path: dir, mode });
      chmodSync(dir, mode | 0o005);
    }
    if (dir === dirname(dir)) break;
  }
}
beforeAll(() => openToOthers(CLI));
afterAll(() => {
  for (const { path, mode } of opened.splice(0)) chmodSync(path, mode);
});

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'dss-test-perm-'));
  chmodSync(folder, 0o755);
  socketPath = join(folder, 'docker.sock');
  strictPath = join(folder, 'strict.sock');
  mkdirSync(join(folder, 'locked'), { mode: 0o700 });
  lockedPath = join(folder, 'locked', 'docker.sock');
  await listen(socketPath, 0o660);
  await listen(strictPath, 0o600);
  await listen(lockedPath, 0o666);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((r) => server.close(r))));
  rmSync(folder, { recursive: true, force: true });
});

/** The daemon's `permission denied` log line for that socket, run as uid 10001 in those groups. */
async function permissionLine(path: string, groups: number[]): Promise<Record<string, unknown>> {
  const env = { DOCKER_HOST: `unix://${path}`, OUTPUT: 'stdout', METRICS_PORT: '0', HOME: folder };
  const daemon: RunningDaemon = spawnDaemon(env, [], asStranger(groups));
  try {
    const said = (): Record<string, unknown> | undefined =>
      logLines(daemon).find((l) => String(l.msg).includes('permission denied'));
    expect(await eventually(() => said() !== undefined, 30_000)).toBe(true);
    return said()!;
  } finally {
    daemon.process.kill('SIGTERM');
    await daemon.exited;
  }
}

describe('EACCES on the engine’s unix socket', () => {
  it('is logged and reported as a permission problem naming the socket, its owner and group, our uid and groups, and the fix', async () => {
    const port = await freePort();
    const env = { DOCKER_HOST: `unix://${socketPath}`, OUTPUT: 'stdout', METRICS_PORT: String(port), HOME: folder };
    const daemon: RunningDaemon = spawnDaemon(env, [], asStranger());
    try {
      const said = (): Record<string, unknown> | undefined =>
        logLines(daemon).find((l) => String(l.msg).includes('permission denied'));
      expect(await eventually(() => said() !== undefined, 30_000)).toBe(true);
      const line = said()!;
      expect(line.msg).toMatch(`permission denied on the Docker engine's socket ${socketPath}`);
      expect(line.msg).toMatch(`owner uid 0, gid ${SOCKET_GID}, mode 0660`);
      expect(line.msg).toMatch(`this process runs as uid ${UID} with groups [${UID}]`);
      expect(line.msg).toMatch(`group_add`);
      expect(line.msg).toMatch(`supplementalGroups`);
      expect(line.msg).toMatch(`--group-add ${SOCKET_GID}`);
      expect(line).toMatchObject({ level: 50, socketPath, owner: { uid: 0, gid: SOCKET_GID }, uid: UID });
      expect(daemon.stderr).not.toMatch('Docker engine unreachable');
      const health = async (): Promise<{ reasons?: string[] }> =>
        (await fetch(`http://127.0.0.1:${port}/readyz`)).json() as Promise<{ reasons?: string[] }>;
      expect(await eventually(async () => (await health()).reasons?.length === 1, 10_000)).toBe(true);
      const [reason] = (await health()).reasons!;
      expect(reason).toMatch(`engine unix://${socketPath}: permission denied`);
      expect(reason).toMatch(`gid ${SOCKET_GID}`);
    } finally {
      daemon.process.kill('SIGTERM');
      await daemon.exited;
    }
  }, 60_000);

  it('in the socket’s group already, but the mode lets no group in: says the mode is the problem, not a group to add', async () => {
    const line = await permissionLine(strictPath, [SOCKET_GID]);
    expect(line.msg).toMatch(`owner uid 0, gid ${SOCKET_GID}, mode 0600`);
    expect(line).toMatchObject({ groups: expect.arrayContaining([UID, SOCKET_GID]) });
    expect(line.msg).toMatch(
      `it is in the socket's group gid ${SOCKET_GID}, but the socket's mode 0600 lets no group in, only its owner uid 0: ` +
        'the mode is the problem, not the groups',
    );
    expect(line.msg).not.toMatch('--group-add');
  }, 60_000);

  it('a folder on the path that may not be searched: names the folder and its mode, not the socket’s group', async () => {
    const line = await permissionLine(lockedPath, [SOCKET_GID]);
    expect(line.msg).toMatch(`permission denied on the Docker engine's socket ${lockedPath} (hidden by a folder)`);
    expect(line.msg).toMatch(
      `the folder ${join(folder, 'locked')} on the socket's path (owner uid 0, gid 0, mode 0700)`,
    );
    expect(line.msg).not.toMatch('--group-add');
    expect(line).toMatchObject({ blockedBy: { path: join(folder, 'locked'), mode: expect.any(Number) } });
  }, 60_000);
});
