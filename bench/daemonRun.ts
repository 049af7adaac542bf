import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseMetrics } from '../src/view/daemonHealth.js';
import { freePort } from '../test/support/ownVictoriaMetrics.js';
import { VM_URL } from '../test/support/victoriaMetrics.js';
import { WriteProxy } from './writeProxy.js';

const MAIN = fileURLToPath(new URL('../daemon.js', import.meta.url));
const STAND_IN = fileURLToPath(new URL('./standInServer.js', import.meta.url));

/** A child process and the text it printed. */
export interface Child {
  readonly process: ChildProcess;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: Record<string, string>, wrapper: readonly string[] = []): Child {
  const [command, ...rest] = [...wrapper, process.execPath, '--max-semi-space-size=2', ...args];
  const p = spawn(command!, rest, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = { process: p, stdout: '', stderr: '' };
  p.stdout!.setEncoding('utf8').on('data', (c: string) => (child.stdout += c));
  p.stderr!.setEncoding('utf8').on('data', (c: string) => (child.stderr = (child.stderr + c).slice(-100_000)));
  return child;
}

/** The stand-in engine in its own process, once it listens. */
export async function startStandIn(
  socketPath: string,
  containers: number,
  perSecond = 1,
  firstPid?: number,
  /** Records each container's streams send in all (then silent); endless when not given. */
  records?: number,
): Promise<Child> {
  const more = [firstPid === undefined ? '-' : String(firstPid), ...(records === undefined ? [] : [String(records)])];
  const child = start(
    ['--max-old-space-size=4096', STAND_IN, socketPath, String(containers), String(perSecond), ...more],
    {},
  );
  while (!child.stdout.includes('ready')) {
    if (child.process.exitCode !== null) throw new Error(`stand-in engine failed: ${child.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

/** The built daemon (or another build of it, `main`) with this environment. */
export const startDaemon = (env: Record<string, string>, wrapper: readonly string[] = [], main = MAIN): Child =>
  start([main], env, wrapper);

export async function stop(child: Child): Promise<number | null> {
  if (child.process.exitCode !== null) return child.process.exitCode;
  child.process.kill('SIGTERM');
  const [code] = await once(child.process, 'exit');
  return code as number | null;
}

/** Reads counters from the daemon's /metrics (a labelled one summed over its labels, as `top` reads them). */
export async function scrape(port: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Object.fromEntries(parseMetrics(text));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The totals the daemon logs when it stops (the last line that has them). */
export interface ExitTotals {
  readonly collected: number;
  readonly written: number;
  readonly dropped: number;
  readonly rejected: number;
}
export const exitTotals = (daemon: Child): ExitTotals | undefined =>
  daemon.stderr
    .split('\n')
    .filter((l) => l.includes('"collected"'))
    .map((l) => JSON.parse(l) as ExitTotals)
    .at(-1);

/** A stand-in engine, the daemon reading it, and the measuring pass-through it writes to. */
export interface StandInRun {
  readonly proxy: WriteProxy;
  readonly daemon: Child;
  /** The daemon's /metrics port. */
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts the stand-in engine (`containers` at `perSecond` records each), a WriteProxy in front of
 * the real VictoriaMetrics, and the built daemon between them: bucket `name`, host tag
 * `<name>-bench`, batches of 5000 flushed every second, the API source, plus `env`.
 */
export async function startStandInRun(
  name: string,
  containers: number,
  perSecond: number,
  env: Record<string, string>,
  firstPid?: number,
  /** A command the daemon runs under (`prlimit ... --`). */
  wrapper: readonly string[] = [],
  /** Records per container in all (`startStandIn`). */
  records?: number,
): Promise<StandInRun> {
  const socket = `/tmp/dss-${name}-${process.pid}.sock`;
  const proxy = new WriteProxy(VM_URL);
  const url = await proxy.start();
  const standIn = await startStandIn(socket, containers, perSecond, firstPid, records);
  const port = await freePort();
  const daemon = startDaemon(
    {
      DOCKER_HOST: `unix://${socket}`,
      INFLUX_URL: url,
      INFLUX_ORG: 'bench',
      INFLUX_BUCKET: name,
      BATCH_SIZE: '5000',
      FLUSH_INTERVAL_MS: '1000',
      METRICS_PORT: String(port),
      HOST_TAG: `${name}-bench`,
      // The stand-in's containers have no cgroup files unless a bench makes them (fakeHostServer).
      STATS_SOURCE: 'api',
      ...env,
    },
    wrapper,
  );
  return {
    proxy,
    daemon,
    port,
    async stop() {
      await stop(daemon);
      await stop(standIn);
      await proxy.stop();
    },
  };
}
