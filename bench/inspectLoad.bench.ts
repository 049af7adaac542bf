import Docker from 'dockerode';
import { FaultyEngineProxy } from '../test/support/faultyEngineProxy.js';
import { VM_URL } from '../test/support/victoriaMetrics.js';
import { type Child, sleep, startDaemon, stop } from './daemonRun.js';
import { removeContainers, startContainers } from './hostOverhead.bench.js';
import { fmt } from './measure.js';

const LABEL = 'dss-bench-inspect';

/** Polls `read` every second until it has not changed for `quietS` seconds, or `maxS` passed. */
async function settle(read: () => string, quietS: number, maxS: number): Promise<number> {
  const start = Date.now();
  let last = read();
  let since = Date.now();
  while (Date.now() - since < quietS * 1000 && Date.now() - start < maxS * 1000) {
    await sleep(1000);
    const now = read();
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return (since - start) / 1000;
}

/**
 * The engine's inspect load while `n` containers start: the built daemon (STATS_SOURCE=auto, so
 * the lifecycle and the cgroup source both inspect; points to VictoriaMetrics) reads the real
 * engine through a proxy socket that counts GET /containers/<id>/json per container, while `n`
 * `local/busybox sleep` containers are started one after another. BENCH_DAEMON: another build
 * of the daemon (e.g. the one before a change) to measure instead of dist/daemon.js.
 */
export async function inspectLoadBench(n = 100): Promise<void> {
  const docker = new Docker();
  const proxy = await new FaultyEngineProxy({ socketPath: `/tmp/dss-inspect-load-${process.pid}.sock` }).start();
  await removeContainers(docker, LABEL);
  const main = process.env.BENCH_DAEMON;
  console.log(`inspect load: ${n} containers started under the daemon${main ? ` (${main})` : ''}`);
  let daemon: Child | undefined;
  try {
    daemon = startDaemon(
      {
        DOCKER_HOST: proxy.dockerHost,
        INCLUDE_LABELS: LABEL,
        INFLUX_URL: VM_URL,
        INFLUX_ORG: 'bench',
        INFLUX_BUCKET: 'inspect-load',
        HOST_TAG: 'inspect-load-bench',
        LOG_LEVEL: 'warn',
      },
      [],
      ...(main ? [main] : []),
    );
    await sleep(5000); // the daemon lists the (no) containers and opens the event stream
    const started = Date.now();
    const ids = await startContainers(docker, n, LABEL);
    const startS = (Date.now() - started) / 1000;
    await settle(() => proxy.inspectsOf(ids).join(), 15, 180);
    const counts = proxy.inspectsOf(ids).sort((a, b) => a - b);
    const total = counts.reduce((a, b) => a + b, 0);
    const histogram = [...new Set(counts)].map((k) => `${k}: ${counts.filter((c) => c === k).length}`).join(', ');
    console.log(
      `  started in ${fmt(startS, 1)} s; inspects of them: ${total} in all, ${fmt(total / n, 2)} per container ` +
        `(min ${counts[0]}, max ${counts.at(-1)}; containers by inspects ${histogram})`,
    );
    if (daemon.process.exitCode !== null) console.log(`  the daemon exited early: ${daemon.stderr.slice(-2000)}`);
  } finally {
    if (daemon) await stop(daemon);
    await removeContainers(docker, LABEL);
    await proxy.stop();
  }
}
