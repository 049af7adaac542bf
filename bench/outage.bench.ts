import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt } from './measure.js';
import { cpuSeconds, rssMb } from './procStats.js';
import { exitTotals, scrape, sleep, startStandInRun, stop } from './daemonRun.js';

/**
 * Outage memory: the stand-in engine at a high rate while the sink is down for `outageS`
 * seconds. RSS must stay within maxBufferSize + 100 MB, the dropped counter must equal the
 * overflow exactly (collected = written + dropped at the end), and delivery must resume.
 * With `spool`, the same with SPOOL_DIR: RSS must stay as bounded while the spool grows on disk;
 * it prints the spool's write rate and size, and the catch-up rate once the sink is back.
 */
export async function outageBench(
  containers = 1000,
  perSecond = 5,
  outageS = 180,
  maxBufferMb = 50,
  spool = false,
): Promise<void> {
  const spoolDir = spool ? mkdtempSync(join(tmpdir(), 'dss-bench-spool-')) : undefined;
  // Every file below SPOOL_DIR: each sink spools in a folder of its own there.
  const bytesIn = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (n, f) => n + (f.isDirectory() ? bytesIn(join(dir, f.name)) : statSync(join(dir, f.name)).size),
      0,
    );
  const spoolMb = (): number => (spoolDir ? bytesIn(spoolDir) / 1e6 : 0);
  const {
    daemon,
    port,
    proxy,
    stop: stopAll,
  } = await startStandInRun('outage', containers, perSecond, {
    MAX_BUFFER_SIZE: `${maxBufferMb}MB`,
    MAX_RETRIES: '2',
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: '60000',
    ...(spoolDir ? { SPOOL_DIR: spoolDir } : {}),
  });
  const pid = daemon.process.pid!;
  let peak = 0;
  const watch = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 1000);
  try {
    console.log(
      `outage${spoolDir ? ' with the disk spool' : ''}: ${containers} stand-in containers at ${perSecond} records/s, sink down ${outageS} s, maxBufferSize ${maxBufferMb}MB`,
    );
    await sleep(15_000);
    proxy.down = true;
    const [cpu0, collected0] = [cpuSeconds(pid), (await scrape(port)).dss_points_collected_total ?? 0];
    await sleep(outageS * 1000);
    const during = await scrape(port);
    const outageCpu = (100 * (cpuSeconds(pid) - cpu0)) / outageS;
    const collectedInOutage = (during.dss_points_collected_total ?? 0) - collected0;
    const diskMb = spoolMb();
    proxy.down = false;
    const back = proxy.points;
    await sleep(20_000);
    const resumed = proxy.points - back;
    const after = await scrape(port);
    console.log(
      `  during the outage: collector CPU ${fmt(outageCpu, 1)} % of a core, ${fmt(collectedInOutage / outageS, 0)} points/s collected${spoolDir ? ` and spooled: ${fmt(diskMb, 1)} MB on disk at its end, ${fmt(((outageCpu / 100) * outageS * 1e6) / collectedInOutage, 2)} us of CPU per point` : ''}; after it: ${fmt(resumed / 20, 0)} points/s delivered`,
    );
    await stop(daemon);
    const final = exitTotals(daemon);
    const exact = final ? final.collected === final.written + final.dropped + final.rejected : false;
    console.log(
      `  peak RSS ${fmt(peak, 0)} MB (limit ${maxBufferMb + 100}), buffer at the end of the outage ${fmt((during.dss_buffer_bytes ?? 0) / 1e6, 1)} MB / ${during.dss_buffer_points} points, dropped ${after.dss_points_dropped_total}, points delivered in the 20 s after the sink returned ${resumed}`,
    );
    console.log(
      `  at exit: ${JSON.stringify(final)}: collected = written + dropped + rejected ${exact ? 'holds exactly' : 'DOES NOT hold'}`,
    );
  } finally {
    clearInterval(watch);
    await stopAll();
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  }
}
