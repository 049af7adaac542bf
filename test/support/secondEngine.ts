import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerCli } from './dockerCli.js';
import { eventually } from './realEngine.js';

/** The test bed's second dockerd (scripts/testbed.sh): its own socket, data root and exec root. */
const DIR = join(process.env.TMPDIR ?? tmpdir(), 'dss-testbed', 'docker2');
export const SECOND_SOCKET = process.env.DSS_DOCKER2_SOCK ?? join(DIR, 'docker.sock');
export const SECOND_ENGINE = `unix://${SECOND_SOCKET}`;

/** The docker CLI against the second engine. */
export const docker2 = (...args: string[]): Promise<string> => dockerCli('-H', SECOND_ENGINE, ...args);

async function answers(): Promise<boolean> {
  try {
    await docker2('version', '--format', '{{.Server.Version}}');
    return true;
  } catch {
    return false;
  }
}

export async function requireSecondEngine(): Promise<void> {
  if (!(await answers()))
    throw new Error(
      `tests of two engines need the second dockerd on ${SECOND_SOCKET}; run scripts/testbed.sh (as root)`,
    );
}

/** Stops the second dockerd (SIGTERM, as a service manager does) and starts it again with the same arguments. */
export async function restartSecondEngine(): Promise<{ answeredAt: number }> {
  const pid = Number(readFileSync(join(DIR, 'docker.pid'), 'utf8'));
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\0')
    .filter((a) => a !== '');
  process.kill(pid, 'SIGTERM');
  if (!(await eventually(() => !existsSync(`/proc/${pid}`), 60_000)))
    throw new Error('the second dockerd did not stop');
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: 'ignore' });
  child.unref();
  if (!(await eventually(answers, 60_000))) throw new Error('the second dockerd did not come back');
  return { answeredAt: Date.now() };
}
