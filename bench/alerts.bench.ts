import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { VM_URL } from '../test/support/victoriaMetrics.js';
import { daemonCpuPercent } from './daemonCpu.js';
import { sleep } from './daemonRun.js';
import { removeContainers, startContainers } from './hostOverhead.bench.js';
import { fmt } from './measure.js';

// Per run: two benches at once on the shared engine must not remove each other's containers.
const LABEL = `dss-b27-al-${process.pid}`;

/** Off: no alerting; defaults: the webhook turns the default rules on; threshold: a rule file beside them. */
type Variant = 'off' | 'defaults' | 'threshold';

// A threshold rule reads every cpu point; the lifecycle defaults read container events only.
const RULES = 'rules:\n  - name: hot\n    when: cpu.limit_percent > 80\n    for: 5s\n';

/** A webhook receiver that answers 200 to anything and counts the posts. */
async function startReceiver(): Promise<{ server: Server; url: string; posts: () => number }> {
  let posts = 0;
  const server = createServer((req, res) => {
    posts++;
    req.resume().on('end', () => res.writeHead(200).end());
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hook`, posts: () => posts };
}

/** The daemon writing line protocol to VictoriaMetrics, with the variant's alerting. */
const env = (variant: Variant, hookUrl: string, rulesPath: string): Record<string, string> => ({
  INCLUDE_LABELS: LABEL,
  INFLUX_URL: VM_URL,
  INFLUX_ORG: 'bench',
  INFLUX_BUCKET: 'alerts',
  HOST_TAG: 'alerts-bench',
  METRICS_PORT: '0',
  FLUSH_INTERVAL_MS: '1000',
  LOG_LEVEL: 'warn',
  ...(variant === 'off' ? {} : { ALERT_WEBHOOK_URL: hookUrl }),
  ...(variant === 'threshold' ? { ALERT_RULES: rulesPath } : {}),
});

const LABELS: Record<Variant, string> = {
  off: 'alerts off                 ',
  defaults: 'default rules (webhook)    ',
  threshold: 'defaults + cpu threshold   ',
};

/**
 * Alerting's cost (issue 27): the daemon's CPU with ALERT_WEBHOOK_URL (the default rules: exited,
 * oom_killed, unhealthy, restart_loop, gone) and with a `cpu.limit_percent > 80 for 5s` rule file
 * beside them, each against alerting off, `n` busybox containers, alternated `rounds` times in
 * one run. Target: at most 1.1x.
 */
export async function alertsBench(n: number, rounds: number, warmUpS: number, windowS: number): Promise<void> {
  const docker = new Docker();
  console.log(
    `alerts: ${n} busybox sleep containers; ${rounds} rounds of each, ${warmUpS} s warm-up, ${windowS} s measured`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'dss-alerts-bench-'));
  const rulesPath = join(dir, 'rules.yaml');
  writeFileSync(rulesPath, RULES);
  const receiver = await startReceiver();
  await startContainers(docker, n, LABEL);
  try {
    await sleep(5000);
    const ratios: Record<'defaults' | 'threshold', number[]> = { defaults: [], threshold: [] };
    const variants: Variant[] = ['off', 'defaults', 'threshold'];
    for (let i = 0; i < rounds; i++) {
      // Each round in another order: a drift of the machine within a round does not fall on one variant.
      const order = [...variants.slice(i % 3), ...variants.slice(0, i % 3)];
      const cpu: Partial<Record<Variant, number>> = {};
      for (const v of order)
        cpu[v] = await daemonCpuPercent(env(v, receiver.url, rulesPath), LABELS[v], warmUpS, windowS);
      ratios.defaults.push(cpu.defaults! / cpu.off!);
      ratios.threshold.push(cpu.threshold! / cpu.off!);
    }
    console.log(`  ratio default rules / off: ${ratios.defaults.map((r) => fmt(r)).join(', ')} (target <= 1.1)`);
    console.log(
      `  ratio defaults + threshold / off: ${ratios.threshold.map((r) => fmt(r)).join(', ')} (target <= 1.1)`,
    );
    console.log(`  webhook posts received: ${receiver.posts()}`);
  } finally {
    await removeContainers(docker, LABEL);
    receiver.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
