import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { removeContainers, startContainers } from './hostOverhead.bench.js';
import { fmt } from './measure.js';
import { cpuSeconds, engineCpuSeconds, rssMb } from './procStats.js';

const CLI = fileURLToPath(new URL('../daemon.js', import.meta.url));
const DOCKER = '/usr/bin/docker';
const sleep = (s: number): Promise<void> => new Promise((r) => setTimeout(r, s * 1000));

interface Viewer {
  readonly name: string;
  /** The command, run in a 120x40 tmux pane (with `exec`, so that the pane's process is the viewer). */
  command(names: readonly string[]): string;
}

const VIEWERS: readonly Viewer[] = [
  { name: 'docker stats (the CLI, the Engine API)', command: (names) => `${DOCKER} stats ${names.join(' ')}` },
  {
    name: 'top, cgroup files (STATS_SOURCE=auto)',
    command: () => `env INCLUDE_LABELS=dss-bench ${process.execPath} ${CLI} top`,
  },
  {
    name: 'top, Engine API streams (STATS_SOURCE=api)',
    command: () => `env INCLUDE_LABELS=dss-bench STATS_SOURCE=api ${process.execPath} ${CLI} top`,
  },
];

/**
 * A live view's whole cost: `docker stats` and `docker-stats-service top`, each alone in a
 * 120x40 tmux pane over `n` busybox containers, the viewer's CPU and the engine's (dockerd,
 * containerd, shims) over a window after a warm-up, against the engine's own when nobody looks.
 */
export async function topBench(n = 20, windowS = 30, warmUpS = 10): Promise<void> {
  const docker = new Docker();
  console.log(`top: ${n} containers; per viewer ${warmUpS} s warm-up, then ${windowS} s measured, in 120x40 tmux`);
  const ids = await startContainers(docker, n);
  const names = ids.map((_, i) => `dss-bench-${i}`);
  const folder = mkdtempSync(join(tmpdir(), 'dss-bench-tmux-'));
  // A tmux server per viewer, on a socket of its own.
  const tmux = (socket: string, ...args: string[]): string =>
    execFileSync('tmux', ['-S', join(folder, socket), ...args], { encoding: 'utf8' });
  try {
    await sleep(warmUpS);
    const idle0 = engineCpuSeconds();
    await sleep(windowS);
    const idleEngine = (100 * (engineCpuSeconds() - idle0)) / windowS;
    console.log(`  nobody looking: engine CPU ${fmt(idleEngine, 2)} %`);
    for (const [i, viewer] of VIEWERS.entries()) {
      const socket = `socket-${i}`;
      const pid = Number(
        tmux(
          socket,
          'new-session',
          '-d',
          '-P',
          '-F',
          '#{pane_pid}',
          '-x',
          '120',
          '-y',
          '40',
          `exec ${viewer.command(names)}`,
        ),
      );
      await sleep(warmUpS);
      const [own0, engine0] = [cpuSeconds(pid), engineCpuSeconds()];
      await sleep(windowS);
      const own = (100 * (cpuSeconds(pid) - own0)) / windowS;
      const engine = (100 * (engineCpuSeconds() - engine0)) / windowS - idleEngine;
      const rss = rssMb(pid);
      tmux(socket, 'kill-server');
      console.log(
        `  ${viewer.name}: viewer ${fmt(own, 2)} %, engine added ${fmt(engine, 2)} %, ` +
          `total ${fmt(own + engine, 2)} % of a core; viewer RSS ${fmt(rss, 0)} MB`,
      );
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await removeContainers(docker);
  }
}
