import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseMetrics } from '../../src/view/daemonHealth.js';

/** The built daemon (npm test builds and bundles it first), as a user runs it. */
export const CLI = fileURLToPath(new URL('../../dist/daemon.js', import.meta.url));

export interface RunningDaemon {
  readonly process: ChildProcess;
  readonly stdout: string[];
  stderr: string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Starts a process: `spawn`, or a spawner into a namespace (`privateTmpfs(...).spawn`). */
export type Spawner = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

export function spawnDaemon(env: Record<string, string>, args: string[] = [], via: Spawner = spawn): RunningDaemon {
  const child = via(process.execPath, ['--max-semi-space-size=2', CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const daemon: RunningDaemon = {
    process: child,
    stdout: [],
    stderr: '',
    exited: once(child, 'exit').then(([code]) => code as number | null),
  };
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    daemon.stdout.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (daemon.stderr += chunk));
  return daemon;
}

/** The JSON log lines the daemon wrote to stderr. */
export const logLines = (d: RunningDaemon): Array<Record<string, unknown>> =>
  d.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The samples of `metric` whose labels include every one of `wanted` (`reason="time"`, ...), summed. */
function sumWithLabels(text: string, metric: string, wanted: readonly string[]): number {
  let sum = Number.NaN;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (m?.[1] !== metric) continue;
    const labels = m[2]!.split(/,(?=[a-zA-Z_]\w*=")/);
    if (wanted.every((label) => labels.includes(label))) sum = (Number.isNaN(sum) ? 0 : sum) + Number(m[3]);
  }
  return sum;
}

/**
 * One sample from a daemon's /metrics by its name and labels, summed over the labels not given
 * (the delivery metrics have a `sink` label too), or by its name alone summed over its labels
 * (NaN while it does not answer, or has no such metric).
 */
export async function scrapeMetric(port: number, name: string): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    if (!name.includes('{')) return parseMetrics(text).get(name) ?? Number.NaN;
    const [metric, labels] = [name.slice(0, name.indexOf('{')), name.slice(name.indexOf('{') + 1, -1)];
    return sumWithLabels(text, metric, labels.split(/,(?=[a-zA-Z_]\w*=")/));
  } catch {
    return Number.NaN;
  }
}
