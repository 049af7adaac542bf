import { fmt } from './measure.js';
import { cpuSeconds, peakRssMb } from './procStats.js';
import { scrape, sleep, startStandInRun } from './daemonRun.js';

/**
 * Scale: a stand-in engine serving `containers` containers at one record a second each; our
 * daemon writes to the real VictoriaMetrics (through a measuring pass-through) with gzip.
 */
export async function scaleBench(containers = 10_000, seconds = 120): Promise<void> {
  const { daemon, port, proxy, stop } = await startStandInRun('scale', containers, 1, {
    COMPRESSION: 'true',
    LOG_LEVEL: 'warn',
  });
  try {
    console.log(`scale: ${containers} stand-in containers at 1 record/s, ${seconds} s, gzip into VictoriaMetrics`);
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
    console.log('  targets: lag < 2000 ms, CPU <= 100 % of a core, RSS <= 300 MB');
  } finally {
    await stop();
  }
}
