import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmt } from './measure.js';
import { cpuSeconds, peakRssMb } from './procStats.js';
import { type StandInRun, scrape, sleep, startStandInRun } from './daemonRun.js';

const FAKE_HOST = fileURLToPath(new URL('./fakeHostServer.js', import.meta.url));

/** Lag, CPU and memory of a daemon that reads a stand-in engine, over `seconds` after a warm-up. */
async function measure(run: StandInRun, seconds: number, target: string): Promise<void> {
  const { daemon, port, proxy } = run;
  await sleep(20_000); // discovery of every container and the first records
  const pid = daemon.process.pid!;
  const [m0, cpu0, t0] = [await scrape(port), cpuSeconds(pid), performance.now()];
  proxy.takeLags();
  await sleep(seconds * 1000);
  const [m1, cpu1, t1] = [await scrape(port), cpuSeconds(pid), performance.now()];
  const wall = (t1 - t0) / 1000;
  const lag = proxy.takeLags();
  const rate = (key: string): number => ((m1[key] ?? 0) - (m0[key] ?? 0)) / wall;
  console.log(
    `  samples/s in ${fmt(rate('dss_records_total'), 0)}, points/s written ${fmt(rate('dss_points_written_total'), 0)}, lag read->write p50 ${fmt(lag.p50, 0)} ms, p99 ${fmt(lag.p99, 0)} ms, max ${fmt(lag.max, 0)} ms, collector CPU ${fmt((100 * (cpu1 - cpu0)) / wall, 1)} % of a core, peak RSS ${fmt(peakRssMb(pid), 0)} MB, active streams ${m1.dss_active_streams}, dropped ${m1.dss_points_dropped_total}, heap used ${fmt((m1.dss_nodejs_heap_size_used_bytes ?? 0) / 2 ** 20, 0)} MB of ${fmt((m1.dss_nodejs_heap_size_total_bytes ?? 0) / 2 ** 20, 0)} MB, external ${fmt((m1.dss_nodejs_external_memory_bytes ?? 0) / 2 ** 20, 0)} MB`,
  );
  console.log(`  targets: ${target}`);
}

/**
 * Scale: a stand-in engine serving `containers` containers at one record a second each; our
 * daemon (API source) writes to the real VictoriaMetrics (through a measuring pass-through) with gzip.
 */
export async function scaleBench(containers = 10_000, seconds = 120): Promise<void> {
  const run = await startStandInRun('scale', containers, 1, { COMPRESSION: 'true', LOG_LEVEL: 'warn' });
  try {
    console.log(`scale: ${containers} stand-in containers at 1 record/s, ${seconds} s, gzip into VictoriaMetrics`);
    await measure(run, seconds, 'lag < 2000 ms, CPU <= 100 % of a core, RSS <= 300 MB');
  } finally {
    await run.stop();
  }
}

/**
 * Synthetic cgroup scale: `containers` cgroup v1 containers in files on tmpfs, rewritten every
 * second (fakeHostServer), a stand-in engine for discovery and inspect, and our daemon with
 * STATS_SOURCE=cgroup reading them every second.
 */
export async function cgroupScaleBench(containers = 10_000, seconds = 120): Promise<void> {
  const root = mkdtempSync('/dev/shm/dss-fakehost-');
  const firstPid = 100_000;
  const fake: ChildProcess = spawn(process.execPath, [FAKE_HOST, root, String(containers), String(firstPid)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    fake.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
    fake.once('exit', (code) => reject(new Error(`fakeHostServer exited with ${code}`)));
  });
  const env = {
    STATS_SOURCE: 'cgroup',
    HOST_PROC: `${root}/proc`,
    HOST_CGROUP: `${root}/sys/fs/cgroup`,
    COMPRESSION: 'true',
    LOG_LEVEL: 'warn',
  };
  const run = await startStandInRun('cgroupscale', containers, 0.001, env, firstPid);
  try {
    console.log(
      `cgroup scale: ${containers} containers' cgroup v1 files on tmpfs, rewritten every second, read every second, gzip into VictoriaMetrics`,
    );
    await measure(
      run,
      seconds,
      'one sample per container per second, lag p99 < 1000 ms, CPU <= 100 % of a core, RSS <= 250 MB',
    );
  } finally {
    await run.stop();
    fake.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  }
}
