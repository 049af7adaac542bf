import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { startDaemon } from './daemonRun.js';
import { fmt } from './measure.js';
import { cpuSeconds, engineCpuSeconds, peakRssMb } from './procStats.js';

const TELEGRAF_STYLE = fileURLToPath(new URL('./telegrafStyle.js', import.meta.url));
const PLAIN_SCRIPT = fileURLToPath(new URL('./plainScript.js', import.meta.url));
const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const LABEL = 'dss-bench';

interface Scenario {
  /** a, b, c, d, d', e, f, fs, f0, g: which scenarios a run asks for. */
  readonly key: string;
  readonly name: string;
  start(ids: string[]): { child?: ChildProcess; samples(): Promise<number> };
}

export interface OverheadRow {
  readonly key: string;
  readonly name: string;
  readonly collectorCpuPercent: number;
  readonly peakRssMb: number;
  readonly engineCpuPercent: number;
  readonly samples: number;
  readonly engineCpuMsPerSample: number;
  /** The measured window. */
  readonly seconds: number;
}

function ours(key: string, name: string, env: Record<string, string>): Scenario {
  return {
    key,
    name,
    start() {
      const out = `/tmp/dss-bench-${process.pid}.lp`;
      rmSync(out, { force: true });
      const child = startDaemon({
        INCLUDE_LABELS: LABEL,
        OUTPUT: `file:${out}`,
        METRICS_PORT: '0',
        FLUSH_INTERVAL_MS: '1000',
        LOG_LEVEL: 'warn',
        ...env,
      }).process;
      // one memory point per record delivered
      return {
        child,
        samples: async () =>
          readFileSync(out, 'utf8')
            .split('\n')
            .filter((l) => l.startsWith('memory,')).length,
      };
    },
  };
}

function telegrafStyle(key: string, name: string, mode: 'gather' | 'overlap'): Scenario {
  return {
    key,
    name,
    start(ids) {
      const child = spawn(process.execPath, [TELEGRAF_STYLE, '1000', mode, ...ids], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let count = 0;
      child
        .stdout!.setEncoding('utf8')
        .on('data', (c: string) => (count = Number(c.trim().split('\n').at(-1)) || count));
      return { child, samples: async () => count };
    },
  };
}

const scenarios: Scenario[] = [
  ours('a', '(a) ours, Engine API, stream mode', { STATS_SOURCE: 'api' }),
  ours('b', '(b) ours, Engine API, poll mode 1 s', { STATS_SOURCE: 'api', MODE: 'poll', POLL_INTERVAL_MS: '1000' }),
  {
    key: 'c',
    name: "(c) docker stats --format '{{json .}}'",
    start() {
      const child = spawn(DOCKER_CLI, ['stats', '--format', '{{json .}}'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let lines = 0;
      child.stdout!.setEncoding('utf8').on('data', (c: string) => (lines += c.split(LABEL).length - 1));
      return { child, samples: async () => lines };
    },
  },
  telegrafStyle(
    'd',
    "(d) Telegraf-style polling (stream=false, 1 s, as Telegraf's agent: a tick during a gather is skipped)",
    'gather',
  ),
  telegrafStyle("d'", "(d') the same, every tick's requests started whatever is under way", 'overlap'),
  { key: 'e', name: '(e) no collector', start: () => ({ samples: async () => 0 }) },
  ours('f', '(f) ours, cgroup source (1 s)', { STATS_SOURCE: 'cgroup' }),
  // What the disk spool costs when the database answers: a write and an ack record per batch.
  ours('fs', '(fs) ours, cgroup source, with the disk spool (SPOOL_DIR)', {
    STATS_SOURCE: 'cgroup',
    SPOOL_DIR: join(tmpdir(), `dss-bench-spool-${process.pid}`),
  }),
  // What the `container` measurement (its event stream, inspects and points) adds to (f).
  ours('f0', '(f0) ours, cgroup source, without the container measurement', {
    STATS_SOURCE: 'cgroup',
    MEASUREMENTS: 'cpu,memory,network,blockio',
  }),
  {
    key: 'g',
    name: '(g) a plain script reading six cgroup and proc files per container (readFileSync, 1 s)',
    start(ids) {
      const pids = ids.map((id) => execFileSync(DOCKER_CLI, ['inspect', '-f', '{{.State.Pid}}', id]).toString().trim());
      const args = ids.map((id, i) => `${id}:${pids[i]}`);
      const child = spawn(process.execPath, [PLAIN_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
      let count = 0;
      child
        .stdout!.setEncoding('utf8')
        .on('data', (c: string) => (count = Number(c.trim().split('\n').at(-1)) || count));
      return { child, samples: async () => count };
    },
  },
];

export async function startContainers(docker: Docker, n: number, label = LABEL): Promise<string[]> {
  await removeContainers(docker, label);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await docker.createContainer({
      Image: 'local/busybox',
      name: `${label}-${i}`,
      Cmd: ['sleep', '100000'],
      Labels: { [label]: '1' },
    });
    await c.start();
    ids.push(c.id);
  }
  return ids;
}

export async function removeContainers(docker: Docker, label = LABEL): Promise<void> {
  const old = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(
    old.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

/**
 * N busybox `sleep` containers on the real engine; each collector alone, measured over a window
 * after a warm-up (the same for all).
 */
export async function hostOverheadBench(
  n = 100,
  windowS = 60,
  warmUpS = 30,
  only?: readonly string[],
): Promise<OverheadRow[]> {
  const docker = new Docker();
  console.log(`host overhead: starting ${n} containers; per scenario ${warmUpS} s warm-up, then ${windowS} s measured`);
  const ids = await startContainers(docker, n);
  const rows: OverheadRow[] = [];
  try {
    await new Promise((r) => setTimeout(r, 5000)); // let the engine settle after the starts
    for (const scenario of scenarios.filter((s) => !only || only.includes(s.key))) {
      const run = scenario.start(ids);
      const pid = run.child?.pid;
      // Start-up is not the steady state, and at 100 records/s V8's optimizing compiler is still
      // at work for about 40 s (docs/benchmarks.md): a daemon runs for days.
      await new Promise((r) => setTimeout(r, warmUpS * 1000));
      const [cpu0, engine0, samples0, t0] = [
        pid ? cpuSeconds(pid) : 0,
        engineCpuSeconds(),
        await run.samples(),
        performance.now(),
      ];
      await new Promise((r) => setTimeout(r, windowS * 1000));
      const cpu = (pid ? cpuSeconds(pid) : 0) - cpu0;
      const engine = engineCpuSeconds() - engine0;
      const samples = (await run.samples()) - samples0;
      const wall = (performance.now() - t0) / 1000;
      const rss = pid ? peakRssMb(pid) : 0;
      if (run.child) {
        run.child.kill('SIGTERM');
        if (run.child.exitCode === null) await once(run.child, 'exit');
      }
      const row = {
        key: scenario.key,
        name: scenario.name,
        collectorCpuPercent: (100 * cpu) / wall,
        peakRssMb: rss,
        engineCpuPercent: (100 * engine) / wall,
        samples,
        engineCpuMsPerSample: samples > 0 ? (1000 * engine) / samples : Number.NaN,
        seconds: wall,
      };
      rows.push(row);
      console.log(
        `  ${row.name}: collector CPU ${fmt(row.collectorCpuPercent, 2)} % of a core, peak RSS ${fmt(row.peakRssMb, 0)} MB, engine CPU ${fmt(row.engineCpuPercent, 1)} %, samples ${samples} (${fmt(samples / n / wall, 2)} per container per s), engine CPU per sample ${fmt(row.engineCpuMsPerSample, 3)} ms`,
      );
    }
  } finally {
    await removeContainers(docker);
    rmSync(join(tmpdir(), `dss-bench-spool-${process.pid}`), { recursive: true, force: true });
  }
  printTargets(rows);
  return rows;
}

function printTargets(rows: readonly OverheadRow[]): void {
  const row = (key: string): OverheadRow | undefined => rows.find((r) => r.key === key);
  const [a, b, c, d, d2, e, f, g] = ['a', 'b', 'c', 'd', "d'", 'e', 'f', 'g'].map(row);
  if (a && b && c && d && d2) {
    console.log(
      `  targets: ours stream CPU / docker stats CPU = ${fmt(a.collectorCpuPercent / c.collectorCpuPercent)} (<= 0.5); ours RSS ${fmt(Math.max(a.peakRssMb, b.peakRssMb), 0)} MB (<= 80); engine CPU per sample, poll / Telegraf-style = ${fmt(b.engineCpuMsPerSample / d.engineCpuMsPerSample)} (<= 0.6; against the overlapping variant ${fmt(b.engineCpuMsPerSample / d2.engineCpuMsPerSample)})`,
    );
  }
  const [fs, f0] = [row('fs'), row('f0')];
  if (f && fs)
    console.log(`  spool: collector CPU (fs) / (f) = ${fmt(fs.collectorCpuPercent / f.collectorCpuPercent)} (<= 1.5)`);
  if (f && f0)
    console.log(
      `  container measurement: collector CPU (f) / (f0) = ${fmt(f.collectorCpuPercent / f0.collectorCpuPercent)}`,
    );
  if (f && g) {
    console.log(
      `  collector CPU (f) / plain script (g) = ${fmt(f.collectorCpuPercent / g.collectorCpuPercent)} (<= 0.5)`,
    );
  }
  if (a && e && f) {
    // The engine's work above idle, and the cost per sample in ms: collector + engine above idle.
    const added = (r: OverheadRow): number => r.engineCpuPercent - e.engineCpuPercent;
    const perSample = (r: OverheadRow): number => ((r.collectorCpuPercent + added(r)) * 10 * r.seconds) / r.samples;
    console.log(
      `  cgroup targets: engine CPU added (f) / (a) = ${fmt(added(f) / added(a))} (<= 0.1); collector CPU (f) ${fmt(f.collectorCpuPercent, 2)} % (<= 0.7); cost per sample (f) / (a) = ${fmt(perSample(f) / perSample(a), 3)} (<= 0.06; ${fmt(perSample(f), 3)} vs ${fmt(perSample(a), 3)} ms)`,
    );
  }
}
