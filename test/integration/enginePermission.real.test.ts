import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, type Spawner, logLines, spawnDaemon } from '../support/daemon.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { eventually } from '../support/realEngine.js';

/** Not root, in no group of the socket's: as a collector container started without group_add. */
const UID = 10001;
const SOCKET_GID = 4242;
let folder: string;
let socketPath: string;
let server: Server;

/** Runs the command as uid/gid 10001 with no supplementary groups. */
const asStranger: Spawner = (command, args, options) =>
  spawn('setpriv', [`--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', command, ...args], options);

/** A real unix socket that listens, mode 0600, owned by root and group 4242: uid 10001 gets EACCES connecting. */
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'dss-test-perm-'));
  chmodSync(folder, 0o755);
  socketPath = join(folder, 'docker.sock');
  server = createServer((s) => s.destroy()).listen(socketPath);
  await once(server, 'listening');
  chmodSync(socketPath, 0o600);
  chownSync(socketPath, 0, SOCKET_GID);
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  rmSync(folder, { recursive: true, force: true });
});

describe('EACCES on the engine’s unix socket', () => {
  it('is logged and reported as a permission problem naming the socket, its owner and group, our uid and groups, and the fix', async () => {
    const port = await freePort();
    const env = { DOCKER_HOST: `unix://${socketPath}`, OUTPUT: 'stdout', METRICS_PORT: String(port), HOME: folder };
    const daemon: RunningDaemon = spawnDaemon(env, [], asStranger);
    try {
      const said = (): Record<string, unknown> | undefined =>
        logLines(daemon).find((l) => String(l.msg).includes('permission denied'));
      expect(await eventually(() => said() !== undefined, 30_000)).toBe(true);
      const line = said()!;
      expect(line.msg).toMatch(`permission denied on the Docker engine's socket ${socketPath}`);
      expect(line.msg).toMatch(`owner uid 0, gid ${SOCKET_GID}, mode 0600`);
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
});
