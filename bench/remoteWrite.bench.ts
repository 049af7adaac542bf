import Docker from 'dockerode';
import { VM_URL } from '../test/support/victoriaMetrics.js';
import { daemonCpuPercent } from './daemonCpu.js';
import { sleep } from './daemonRun.js';
import { removeContainers, startContainers } from './hostOverhead.bench.js';
import { fmt } from './measure.js';

// Per run: two benches at once on the shared engine must not remove each other's containers.
const LABEL = `dss-b26-rw-${process.pid}`;

const FLUSH_MS = process.env.BENCH_RW_FLUSH_MS ?? '1000';

/** The daemon writing line protocol to VictoriaMetrics, and with `remote` remote write beside it. */
const env = (remote: boolean): Record<string, string> => ({
  INCLUDE_LABELS: LABEL,
  INFLUX_URL: VM_URL,
  INFLUX_ORG: 'bench',
  INFLUX_BUCKET: 'remotewrite',
  HOST_TAG: 'remotewrite-bench',
  METRICS_PORT: '0',
  // A batch a second by default (a request a second each); BENCH_RW_FLUSH_MS=default leaves the
  // daemon's own batching (1,000 points or 10 s: a batch about every 2 s at 100 containers).
  ...(FLUSH_MS === 'default' ? {} : { FLUSH_INTERVAL_MS: FLUSH_MS }),
  LOG_LEVEL: 'warn',
  ...(remote ? { REMOTE_WRITE_URL: `${VM_URL}/api/v1/write` } : {}),
});

/** Collector CPU (% of a core) over `windowS` after `warmUpS`. */
const cpuPercent = (remote: boolean, warmUpS: number, windowS: number): Promise<number> =>
  daemonCpuPercent(
    env(remote),
    remote ? 'line protocol + remote write' : 'line protocol alone        ',
    warmUpS,
    windowS,
  );

/**
 * Remote write's cost: the daemon's CPU with REMOTE_WRITE_URL (VictoriaMetrics' /api/v1/write)
 * beside line protocol (its /api/v2/write) against line protocol alone, `n` busybox containers,
 * the two alternated `rounds` times in one run. Target: at most 1.5x.
 */
export async function remoteWriteBench(n: number, rounds: number, warmUpS: number, windowS: number): Promise<void> {
  const docker = new Docker();
  console.log(
    `remote write: ${n} busybox sleep containers; ${rounds} rounds of each, ${warmUpS} s warm-up, ${windowS} s measured, flush ${FLUSH_MS} ms`,
  );
  await startContainers(docker, n, LABEL);
  try {
    await sleep(5000);
    const ratios: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const alone = await cpuPercent(false, warmUpS, windowS);
      const both = await cpuPercent(true, warmUpS, windowS);
      ratios.push(both / alone);
    }
    console.log(
      `  ratio (line protocol + remote write) / line protocol: ${ratios.map((r) => fmt(r)).join(', ')} (target <= 1.5)`,
    );
  } finally {
    await removeContainers(docker, LABEL);
  }
}
