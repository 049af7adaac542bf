import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { OwnVictoriaMetrics, freePort } from '../test/support/ownVictoriaMetrics.js';
import { exitTotals, scrape, sleep, startDaemon, stop } from './daemonRun.js';
import { fmt } from './measure.js';
import { rssMb } from './procStats.js';

const LABEL = 'dss-soak';

/** Least-squares slope of y over x. */
function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/**
 * The soak (a bench, not a test): `n` real containers with churn (one started and one removed
 * every `churnS` seconds), the database (a VictoriaMetrics of its own) restarted every
 * `restartEveryS`, the daemon with the disk spool, for `seconds`. Prints the slopes of RSS and of
 * open file descriptors over the run after a warm-up (flat means no leak), and whether every
 * point collected was written (nothing lost).
 */
export async function soakBench(n = 100, seconds = 1800, churnS = 3, restartEveryS = 300): Promise<void> {
  const docker = new Docker();
  const vm = await new OwnVictoriaMetrics().start();
  const spool = mkdtempSync(join(tmpdir(), 'dss-soak-spool-'));
  const port = await freePort();
  const old = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
  await Promise.all(old.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  let serial = 0;
  const startOne = async (): Promise<string> => {
    const c = await docker.createContainer({
      Image: 'local/busybox',
      name: `${LABEL}-${serial++}`,
      Cmd: ['sleep', '100000'],
      Labels: { [LABEL]: '1' },
    });
    await c.start();
    return c.id;
  };
  const live: string[] = [];
  for (let i = 0; i < n; i++) live.push(await startOne());
  console.log(
    `soak: ${n} containers, one started and one removed every ${churnS} s, the database restarted every ${restartEveryS} s, ${seconds} s`,
  );
  const daemon = startDaemon({
    INFLUX_URL: vm.url,
    INFLUX_ORG: 'dss',
    INFLUX_BUCKET: 'soak',
    INCLUDE_NAMES: `${LABEL}-*`,
    SPOOL_DIR: spool,
    METRICS_PORT: String(port),
    LOG_LEVEL: 'info', // its totals at exit are an info line
  });
  const pid = daemon.process.pid!;
  const samples: Array<{ t: number; rss: number; fds: number }> = [];
  const t0 = Date.now();
  const churn = setInterval(() => {
    void (async () => {
      live.push(await startOne());
      const gone = live.shift()!;
      await docker
        .getContainer(gone)
        .remove({ force: true })
        .catch(() => undefined);
    })();
  }, churnS * 1000);
  const watch = setInterval(() => {
    samples.push({ t: (Date.now() - t0) / 1000, rss: rssMb(pid), fds: readdirSync(`/proc/${pid}/fd`).length });
  }, 10_000);
  try {
    let next = restartEveryS;
    while ((Date.now() - t0) / 1000 < seconds) {
      await sleep(1000);
      if ((Date.now() - t0) / 1000 >= next) {
        next += restartEveryS;
        await vm.stop();
        await sleep(10_000);
        await vm.start();
      }
    }
  } finally {
    clearInterval(churn);
    clearInterval(watch);
  }
  const metrics = await scrape(port);
  await stop(daemon);
  const final = exitTotals(daemon);
  const after = samples.filter((s) => s.t >= Math.min(300, seconds / 3)); // after the warm-up
  const hour = 3600;
  console.log(
    `  RSS ${fmt(after[0]?.rss ?? 0, 0)} -> ${fmt(after.at(-1)?.rss ?? 0, 0)} MB, slope ${fmt(slope(after.map((s) => [s.t, s.rss])) * hour, 1)} MB/h; open fds ${after[0]?.fds} -> ${after.at(-1)?.fds}, slope ${fmt(slope(after.map((s) => [s.t, s.fds])) * hour, 1)} /h; streams at the end ${metrics.dss_active_streams}`,
  );
  console.log(
    `  at exit: ${JSON.stringify(final)}: ${final && final.dropped === 0 && final.rejected === 0 && final.collected === final.written ? 'nothing lost' : 'POINTS LOST'}`,
  );
  await Promise.all(
    live.map((id) =>
      docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  await vm.remove();
  rmSync(spool, { recursive: true, force: true });
}
