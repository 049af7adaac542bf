import { sleep, startDaemon, stop } from './daemonRun.js';
import { fmt } from './measure.js';
import { cpuSeconds, peakRssMb } from './procStats.js';

/**
 * The built daemon's CPU (% of a core) with this environment over `windowS` after `warmUpS`,
 * printed after `label` with its peak RSS; the daemon is stopped after.
 */
export async function daemonCpuPercent(
  env: Record<string, string>,
  label: string,
  warmUpS: number,
  windowS: number,
): Promise<number> {
  const daemon = startDaemon(env);
  try {
    await sleep(warmUpS * 1000);
    const pid = daemon.process.pid!;
    if (daemon.process.exitCode !== null) throw new Error(`daemon exited: ${daemon.stderr}`);
    const [c0, t0] = [cpuSeconds(pid), performance.now()];
    await sleep(windowS * 1000);
    const percent = (100 * (cpuSeconds(pid) - c0)) / ((performance.now() - t0) / 1000);
    console.log(`  ${label}: collector CPU ${fmt(percent, 2)} % of a core, peak RSS ${fmt(peakRssMb(pid), 0)} MB`);
    return percent;
  } finally {
    await stop(daemon);
  }
}
