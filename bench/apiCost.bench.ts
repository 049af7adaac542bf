import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/ownVictoriaMetrics.js';
import { scrape, sleep, startDaemon, startStandIn, stop } from './daemonRun.js';
import { fmt } from './measure.js';
import { cpuSeconds } from './procStats.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The daemon of another commit, built in a clone of its own under the temp folder and kept there
 * by commit, so that a second run starts at once.
 */
export function baselineDaemon(commit: string): { sha: string; daemon: string } {
  const sha = execFileSync('git', ['rev-parse', `${commit}^{commit}`], { cwd: REPO })
    .toString()
    .trim();
  const dir = join(tmpdir(), `dss-bench-baseline-${sha}`);
  const daemon = join(dir, 'dist', 'daemon.js');
  if (existsSync(join(dir, '.built'))) return { sha, daemon };
  const work = `${dir}.${process.pid}`;
  console.log(`  building ${sha.slice(0, 7)} in ${dir} (once)`);
  const run = (cmd: string, args: string[], cwd = work): void => void execFileSync(cmd, args, { cwd, stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
  run('git', ['clone', '--quiet', '--no-checkout', REPO, work], REPO);
  run('git', ['checkout', '--quiet', sha]);
  run('npm', ['ci', '--no-audit', '--no-fund']);
  run('npm', ['run', 'build']);
  writeFileSync(join(work, '.built'), `${sha}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return { sha, daemon };
}

interface Run {
  readonly build: 'old' | 'new';
  readonly micros: number;
  readonly samples: number;
  readonly cpuPercent: number;
}

/** One daemon on the stand-in: CPU per sample over `seconds` after `warmUpS`. */
async function measureOnce(
  build: Run['build'],
  main: string | undefined,
  socket: string,
  env: Record<string, string>,
  warmUpS: number,
  seconds: number,
): Promise<Run> {
  const port = await freePort();
  const daemon = startDaemon(
    {
      DOCKER_HOST: `unix://${socket}`,
      STATS_SOURCE: 'api',
      // Costs next to nothing and the same for both builds: the encoding is measured, not a database.
      OUTPUT: 'file:/dev/null',
      METRICS_PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    [],
    ...(main ? [main] : []),
  );
  try {
    await sleep(warmUpS * 1000);
    if (daemon.process.exitCode !== null) throw new Error(`the ${build} daemon exited: ${daemon.stderr.slice(-2000)}`);
    const pid = daemon.process.pid!;
    const [m0, cpu0, t0] = [await scrape(port), cpuSeconds(pid), performance.now()];
    await sleep(seconds * 1000);
    const [m1, cpu1, t1] = [await scrape(port), cpuSeconds(pid), performance.now()];
    const samples = (m1.dss_records_total ?? 0) - (m0.dss_records_total ?? 0);
    const cpu = cpu1 - cpu0;
    return { build, samples, micros: (1e6 * cpu) / samples, cpuPercent: (100 * cpu) / ((t1 - t0) / 1000) };
  } finally {
    await stop(daemon);
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * The Engine API path's CPU per sample, this build against another commit's (BENCH_BASELINE,
 * default 023ca86): `containers` stand-in containers at one record a second, STATS_SOURCE=api,
 * points to /dev/null; the two daemons run one after the other, old then new, `rounds` times per
 * setting, so that a shared machine's drift falls on both alike. Prints each run and the ratio
 * new / old of the medians.
 */
export async function apiCostBench(containers = 1000, rounds = 3, warmUpS = 20, seconds = 30): Promise<void> {
  const { sha, daemon: old } = baselineDaemon(process.env.BENCH_BASELINE ?? '023ca86');
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO }).toString().trim();
  const socket = `/tmp/dss-api-cost-${process.pid}.sock`;
  const standIn = await startStandIn(socket, containers, 1);
  const settings: Array<[string, Record<string, string>]> = [
    ['MEASUREMENTS=cpu,memory,network,blockio', { MEASUREMENTS: 'cpu,memory,network,blockio' }],
    ['defaults', {}],
  ];
  console.log(
    `api cost: ${containers} stand-in containers at 1 record/s, STATS_SOURCE=api, OUTPUT=file:/dev/null; ` +
      `old ${sha.slice(0, 7)} vs new (this build, HEAD ${head}), alternately, ${rounds} rounds, ${warmUpS} s warm-up, ${seconds} s measured`,
  );
  try {
    for (const [name, env] of settings) {
      const runs: Run[] = [];
      for (let round = 1; round <= rounds; round++) {
        for (const [build, main] of [
          ['old', old],
          ['new', undefined],
        ] as const) {
          const run = await measureOnce(build, main, socket, env, warmUpS, seconds);
          runs.push(run);
          console.log(
            `  ${name}, round ${round}, ${build}: ${fmt(run.micros, 1)} µs per sample (${run.samples} samples, ${fmt(run.cpuPercent, 1)} % of a core)`,
          );
        }
      }
      const of = (build: Run['build']): number[] => runs.filter((r) => r.build === build).map((r) => r.micros);
      const [o, n] = [of('old'), of('new')];
      console.log(
        `  ${name}: old ${fmt(Math.min(...o), 1)} – ${fmt(Math.max(...o), 1)} µs (median ${fmt(median(o), 1)}), new ${fmt(Math.min(...n), 1)} – ${fmt(Math.max(...n), 1)} µs (median ${fmt(median(n), 1)}): new / old ${fmt(median(n) / median(o))}`,
      );
    }
  } finally {
    await stop(standIn);
  }
}
