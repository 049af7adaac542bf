import { alertEvalBench } from './alertEval.bench.js';
import { alertsBench } from './alerts.bench.js';
import { apiCostBench } from './apiCost.bench.js';
import { hostOverheadBench } from './hostOverhead.bench.js';
import { inspectLoadBench } from './inspectLoad.bench.js';
import { lineProtocolBench } from './lineProtocol.bench.js';
import { outageBench } from './outage.bench.js';
import { pipelineBench } from './pipeline.bench.js';
import { remoteWriteBench } from './remoteWrite.bench.js';
import { remoteWriteEncodeBench } from './remoteWriteEncode.bench.js';
import { cgroupScaleBench, scaleBench } from './scale.bench.js';
import { scrapeBench } from './scrape.bench.js';
import { soakBench } from './soak.bench.js';
import { spoolOpenBench } from './spoolOpen.bench.js';
import { topBench } from './top.bench.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

/**
 * `npm run bench [pipeline] [host] [realscale] [scale] [cgroupscale] [outage] [outage-spool] [spool-open] [top]
 * [inspect-load] [api-cost] [scrape] [remote-write] [rw-encode] [alerts] [alert-eval] [soak]`
 * (all but soak by default; soak runs 30 min, BENCH_SOAK_S):
 * prints figures; never part of `npm test`. Needs the test bed (scripts/testbed.sh) for all but
 * pipeline. Sizes: BENCH_CONTAINERS, BENCH_WINDOW_S, BENCH_WARMUP_S (host: 100, 60, 30),
 * BENCH_REALSCALE_CONTAINERS (300), BENCH_SCALE_CONTAINERS, BENCH_SCALE_S (10000, 120),
 * BENCH_OUTAGE_S (180), BENCH_TOP_CONTAINERS (20), BENCH_INSPECT_CONTAINERS (100), BENCH_DAEMON
 * (inspect-load: another build of the daemon to measure); BENCH_HOST_SCENARIOS (e.g. `e,f,f0,g`:
 * some of the host scenarios); api-cost: BENCH_BASELINE (the commit to compare with, built in a
 * clone under the temp folder: 023ca86), BENCH_API_COST_CONTAINERS (1000), BENCH_API_COST_ROUNDS (3),
 * BENCH_API_COST_WARMUP_S (20), BENCH_API_COST_S (30); scrape: BENCH_SCRAPE_REAL (100 real containers),
 * BENCH_SCRAPE_STANDINS (`1000,10000`), BENCH_SCRAPE_ROUNDS (7); remote-write: BENCH_CONTAINERS (100),
 * BENCH_RW_ROUNDS (2), BENCH_RW_FLUSH_MS (1000, or `default`), BENCH_WARMUP_S, BENCH_WINDOW_S;
 * rw-encode (no test bed): remote write's encoding against line protocol's in-process, 100 containers x 60 s
 * of real points; alerts: BENCH_CONTAINERS (100),
 * BENCH_ALERT_ROUNDS (2), BENCH_WARMUP_S, BENCH_WINDOW_S (off, default rules, a threshold rule);
 * alert-eval (no test bed): the rules' own CPU per input in-process, BENCH_CONTAINERS (100) x 300 s.
 */
async function main(): Promise<void> {
  const only = new Set(process.argv.slice(2));
  const want = (name: string): boolean => only.size === 0 || only.has(name);
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
  if (want('pipeline')) {
    await lineProtocolBench();
    pipelineBench();
  }
  if (want('host')) {
    const only = process.env.BENCH_HOST_SCENARIOS?.split(',');
    await hostOverheadBench(env('BENCH_CONTAINERS', 100), env('BENCH_WINDOW_S', 60), env('BENCH_WARMUP_S', 30), only);
  }
  if (want('realscale')) {
    const n = env('BENCH_REALSCALE_CONTAINERS', 300);
    await hostOverheadBench(n, env('BENCH_WINDOW_S', 60), env('BENCH_WARMUP_S', 30), ['a', 'e', 'f']);
  }
  if (want('scale')) await scaleBench(env('BENCH_SCALE_CONTAINERS', 10_000), env('BENCH_SCALE_S', 120));
  if (want('cgroupscale')) await cgroupScaleBench(env('BENCH_SCALE_CONTAINERS', 10_000), env('BENCH_SCALE_S', 120));
  if (want('outage')) await outageBench(1000, 5, env('BENCH_OUTAGE_S', 180));
  if (want('top')) await topBench(env('BENCH_TOP_CONTAINERS', 20), 30, 10);
  // 30 minutes: only when asked for by name.
  if (only.has('soak')) await soakBench(100, env('BENCH_SOAK_S', 1800));
  if (want('outage') || want('outage-spool')) await outageBench(1000, 5, env('BENCH_OUTAGE_S', 180), 50, true);
  if (want('spool-open')) await spoolOpenBench();
  if (want('inspect-load')) await inspectLoadBench(env('BENCH_INSPECT_CONTAINERS', 100));
  if (want('api-cost')) {
    const [n, rounds] = [env('BENCH_API_COST_CONTAINERS', 1000), env('BENCH_API_COST_ROUNDS', 3)];
    await apiCostBench(n, rounds, env('BENCH_API_COST_WARMUP_S', 20), env('BENCH_API_COST_S', 30));
  }
  if (want('scrape')) {
    const standIns = (process.env.BENCH_SCRAPE_STANDINS ?? '1000,10000').split(',').filter(Boolean).map(Number);
    await scrapeBench(env('BENCH_SCRAPE_REAL', 100), standIns, env('BENCH_SCRAPE_ROUNDS', 7));
  }
  if (want('remote-write')) {
    const [n, rounds] = [env('BENCH_CONTAINERS', 100), env('BENCH_RW_ROUNDS', 2)];
    await remoteWriteBench(n, rounds, env('BENCH_WARMUP_S', 30), env('BENCH_WINDOW_S', 60));
  }
  if (want('rw-encode')) await remoteWriteEncodeBench();
  if (want('alerts')) {
    const [n, rounds] = [env('BENCH_CONTAINERS', 100), env('BENCH_ALERT_ROUNDS', 2)];
    await alertsBench(n, rounds, env('BENCH_WARMUP_S', 30), env('BENCH_WINDOW_S', 60));
  }
  if (want('alert-eval')) alertEvalBench(env('BENCH_CONTAINERS', 100));
}

void main();
