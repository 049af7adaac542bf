import { StandInEngine, defaultRecord, fakeId } from '../test/support/standInEngine.js';

/**
 * The stand-in engine as a process of its own, so that its CPU is not the collector's:
 *   node dist/bench/standInServer.js <socketPath> <containers> [recordsPerSecond] [firstPid|-] [records]
 * Records carry the current time in `read`, to measure lag. With `firstPid`, container i's
 * inspect gives pid firstPid + i (for the cgroup source over fakeHostServer's files). With
 * `records`, each container's streams send that many in all, then stay open and silent. Prints
 * `ready` once listening.
 */
const [socketPath, countArg, rateArg, pidArg, recordsArg] = process.argv.slice(2);
const count = Number(countArg ?? 1000);
const perSecond = Number(rateArg ?? 1);
const containers = Array.from({ length: count }, (_, i) => ({
  id: fakeId(i + 1),
  name: `standin-${i + 1}`,
  labels: { 'dss-bench': 'scale' },
  ...(pidArg && pidArg !== '-' ? { pid: Number(pidArg) + i } : {}),
}));
const engine = new StandInEngine({
  socketPath: socketPath ?? '/tmp/dss-standin.sock',
  containers,
  streamIntervalMs: 1000 / perSecond,
  ...(recordsArg ? { recordsPerContainer: Number(recordsArg) } : {}),
  record: (container, seq) => defaultRecord(container, seq, Date.now()),
});
await engine.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void engine.stop().then(() => process.exit(0)));
