import { request } from 'node:http';
import Docker from 'dockerode';
import { freePort } from '../test/support/ownVictoriaMetrics.js';
import { type Child, sleep, startDaemon, startStandInRun, stop } from './daemonRun.js';
import { removeContainers, startContainers } from './hostOverhead.bench.js';
import { type ContainerShape, cadvisorSeriesCount } from './cadvisorSeries.js';
import { fmt } from './measure.js';
import { cpuSeconds } from './procStats.js';

const LABEL = 'dss-b26-scrape';

/** One GET /metrics: its wall time, the bytes on the wire and the body's size once decoded. */
interface Scrape {
  readonly ms: number;
  /** ms to the answer's headers: the daemon's render, before a byte is sent. */
  readonly headersMs: number;
  readonly wireBytes: number;
  readonly gzip: boolean;
  readonly body: Buffer;
}

/**
 * A GET /metrics by node:http (fetch would add and undo its own Accept-Encoding), on a connection
 * of its own: a kept-alive one the server closes after its 5 s idle timeout, just as the next
 * scrape is sent on it, ends in ECONNRESET (seen once: the bench stopped).
 */
function scrapeOnce(port: number, gzip: boolean): Promise<Scrape> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/metrics', agent: false, headers: gzip ? { 'accept-encoding': 'gzip' } : {} },
      (res) => {
        const headersMs = performance.now() - t0;
        const pieces: Buffer[] = [];
        res.on('data', (p: Buffer) => pieces.push(p));
        res.on('error', reject);
        res.on('end', () => {
          const wire = Buffer.concat(pieces);
          const ms = performance.now() - t0;
          const zipped = res.headers['content-encoding'] === 'gzip';
          void import('node:zlib').then(({ gunzipSync }) =>
            resolve({ ms, headersMs, wireBytes: wire.length, gzip: zipped, body: zipped ? gunzipSync(wire) : wire }),
          );
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Containers and series in an exposition: the `id` labels of `container_*` lines, and those lines. */
export function seriesPerContainer(text: string): {
  containers: number;
  sampled: number;
  series: number;
  shape: ContainerShape;
} {
  const ids = new Set<string>();
  const sampled = new Set<string>(); // those with stats, not only a status
  let series = 0;
  let first: string | undefined;
  const [interfaces, devices] = [new Set<string>(), new Set<string>()];
  let quota = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith('container_') && !line.startsWith('dss_container_')) continue;
    series += 1;
    const id = /[{,]id="([^"]*)"/.exec(line)?.[1];
    if (id === undefined) continue;
    ids.add(id);
    if (line.startsWith('container_cpu_usage_seconds_total')) sampled.add(id);
    // The shape of the first container, for cAdvisor's count of the same.
    if ((first ??= id) !== id) continue;
    const iface = /,interface="([^"]*)"/.exec(line)?.[1];
    if (iface !== undefined) interfaces.add(iface);
    const device = /,device="([^"]*)"/.exec(line)?.[1];
    if (device !== undefined) devices.add(device);
    if (line.startsWith('container_spec_cpu_quota')) quota = true; // served only with a quota, as cAdvisor does
  }
  // Busy on every CPU the stand-in's records and this machine's containers have (2).
  const shape = { cpus: 2, interfaces: interfaces.size, blockDevices: devices.size, filesystems: 1, quota };
  return { containers: ids.size, sampled: sampled.size, series, shape };
}

/** Waits until /metrics shows `containers` containers with their stats (every one discovered and sampled). */
async function untilExposed(port: number, containers: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < until) {
    try {
      seen = seriesPerContainer((await scrapeOnce(port, false)).body.toString()).sampled;
      if (seen >= containers) return;
    } catch {
      // not listening yet
    }
    await sleep(2000);
  }
  throw new Error(`/metrics showed ${seen} of ${containers} containers after ${timeoutMs} ms`);
}

/**
 * `rounds` scrapes, each way (plain, then with Accept-Encoding: gzip as Prometheus sends it),
 * after a quiet window that measures the daemon's CPU without scrapes: a scrape's CPU is the
 * daemon's during it less that background rate (clock ticks of 10 ms: read as a median).
 */
async function measureScrapes(label: string, port: number, pid: number, rounds: number): Promise<void> {
  const [q0, qt0] = [cpuSeconds(pid), performance.now()];
  await sleep(5000);
  const background = (cpuSeconds(pid) - q0) / ((performance.now() - qt0) / 1000);
  for (const gzip of [false, true]) {
    const walls: number[] = [];
    const heads: number[] = [];
    const cpus: number[] = [];
    let last: Scrape | undefined;
    for (let i = 0; i < rounds; i++) {
      const cpu0 = cpuSeconds(pid);
      last = await scrapeOnce(port, gzip);
      walls.push(last.ms);
      heads.push(last.headersMs);
      cpus.push(Math.max(0, (cpuSeconds(pid) - cpu0) * 1000 - background * last.ms));
      await sleep(1000); // Prometheus scrapes every few seconds, not back to back
    }
    const { containers, sampled, series, shape } = seriesPerContainer(last!.body.toString());
    const cadvisor = cadvisorSeriesCount(shape);
    console.log(
      `  ${label}, ${gzip ? 'Accept-Encoding: gzip' : 'plain'}: scrape median ${fmt(median(walls), 0)} ms (min ${fmt(Math.min(...walls), 0)}, max ${fmt(Math.max(...walls), 0)}; headers after ${fmt(median(heads), 0)}), CPU median ${fmt(median(cpus), 0)} ms (background ${fmt(background * 100, 1)} % of a core subtracted), body ${fmt(last!.body.length / 2 ** 20, 2)} MB, on the wire ${fmt(last!.wireBytes / 2 ** 20, 2)} MB${last!.gzip ? ' (gzip)' : ''}; ${containers} containers (${sampled} with stats), ${series} series, ${fmt(series / containers, 1)} per container; cAdvisor ${cadvisor} for the same (${JSON.stringify(shape)})`,
    );
  }
}

/** The daemon on the real engine, exposing the bench's containers. */
async function realScrape(n: number, rounds: number): Promise<void> {
  const docker = new Docker();
  console.log(`scrape: ${n} busybox sleep containers on the real engine`);
  await startContainers(docker, n, LABEL);
  const port = await freePort();
  let daemon: Child | undefined;
  try {
    daemon = startDaemon({
      INCLUDE_LABELS: LABEL,
      OUTPUT: 'file:/dev/null',
      METRICS_PORT: String(port),
      EXPOSE_CONTAINER_METRICS: 'true',
      LOG_LEVEL: 'warn',
    });
    await untilExposed(port, n, 120_000);
    await sleep(10_000);
    await measureScrapes(`${n} real`, port, daemon.process.pid!, rounds);
  } finally {
    if (daemon) await stop(daemon);
    await removeContainers(docker, LABEL);
  }
}

/**
 * The daemon on the stand-in engine (its own process), writing to VictoriaMetrics as `scale` does.
 * Above 2,000 containers each stream sends 5 records, then stays open and silent: on this shared
 * machine the daemon is given too little of a core to read 10,000 streams at 1 record/s
 * (docs/benchmarks.md, section 16), and a scrape's cost is its series', not the records' pace.
 * The containers' statuses (every SAMPLE_INTERVAL_MS, 20 s) keep them on /metrics meanwhile (a
 * container is forgotten after 3 intervals without a point; at 5 s, a daemon behind on 10,000
 * statuses forgot thousands, and their stats with them).
 */
async function standInScrape(n: number, rounds: number): Promise<void> {
  const few = n > 2000 ? 5 : undefined;
  console.log(`scrape: ${n} stand-in containers at 1 record/s${few ? `, ${few} records each` : ''}`);
  const env = { EXPOSE_CONTAINER_METRICS: 'true', LOG_LEVEL: 'warn', ...(few ? { SAMPLE_INTERVAL_MS: '20000' } : {}) };
  const run = await startStandInRun('scrape', n, 1, env, undefined, [], few);
  try {
    await untilExposed(run.port, n, few ? 900_000 : 180_000);
    await sleep(10_000);
    await measureScrapes(`${n} stand-in`, run.port, run.daemon.process.pid!, rounds);
  } finally {
    await run.stop();
  }
}

/**
 * Scrape: time and CPU of one GET /metrics with EXPOSE_CONTAINER_METRICS, and its body, at
 * `real` busybox containers on the real engine and at each count of stand-in containers.
 * Target: 10,000 containers under 0.5 s per scrape.
 */
export async function scrapeBench(real: number, standIns: readonly number[], rounds: number): Promise<void> {
  if (real > 0) await realScrape(real, rounds);
  for (const n of standIns) await standInScrape(n, rounds);
  console.log('  target: 10,000 containers under 0.5 s per scrape');
}
