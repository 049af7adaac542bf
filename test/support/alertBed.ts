import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { AlertWebhook, ReceivedAlert } from './alertWebhook.js';
import { type RunningDaemon, logLines } from './daemon.js';
import { dockerCli } from './dockerCli.js';
import { type TestContainers, eventually, realEngine, testContainers } from './realEngine.js';

/** A notice in a few characters: `firing:exited:dss-test-alerts-exit3`. */
export const brief = (a: ReceivedAlert): string => `${a.status}:${a.labels.alertname}:${a.labels.container_name}`;

export const started = (d: RunningDaemon): boolean => logLines(d).some((l) => l.msg === 'docker-stats-service started');

export async function stopped(d: RunningDaemon | undefined): Promise<void> {
  if (!d) return;
  if (d.process.exitCode === null && d.process.signalCode === null) d.process.kill('SIGKILL');
  await d.exited;
}

/** The first alert told of a rule on a container in that status, once it came (30 s bounds the wait). */
export async function told(
  hook: AlertWebhook,
  rule: string,
  container: string,
  status: 'firing' | 'resolved' = 'firing',
): Promise<ReceivedAlert> {
  const came = await eventually(() => hook.of(rule, container, status).length > 0, 30_000);
  expect(came, `${rule} ${status} for ${container}: ${JSON.stringify(hook.alerts.map(brief))}`).toBe(true);
  return hook.of(rule, container, status)[0]!;
}

/** The alert suites' containers: local/busybox under the suite's prefix and label, and their events. */
export interface AlertBed {
  readonly boxes: TestContainers;
  /** A folder of the suite's own (rule files, the spool), removed after it. */
  readonly dir: string;
  name(n: string): string;
  run(n: string, flags: string[], cmd: string[]): Promise<string>;
  /** The time (ms) of a container's `nth` event of `action`, from `docker events` (the engine's own timeNano). */
  eventMs(container: string, action: string, nth?: number): Promise<number>;
}

/** The suite's bed, with its hooks: the engine checked and the suite's containers removed before and after. */
export function alertBed(suite: string): AlertBed {
  const boxes = testContainers(suite);
  const dir = mkdtempSync(join(tmpdir(), `dss-${suite}-`));
  beforeAll(async () => {
    await realEngine();
    await boxes.removeAll();
  });
  afterAll(async () => {
    await boxes.removeAll();
    rmSync(dir, { recursive: true, force: true });
  });
  const name = (n: string): string => `${boxes.prefix}${n}`;
  const since = Math.floor(Date.now() / 1000) - 1;
  const eventsOf = async (container: string): Promise<{ action: string; ms: number }[]> => {
    const until = String(Math.ceil(Date.now() / 1000) + 1);
    const filter = `container=${container}`;
    const out = await dockerCli(
      'events',
      '--since',
      String(since),
      '--until',
      until,
      '--filter',
      filter,
      '--format',
      '{{.Action}}|{{.TimeNano}}',
    );
    return out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [action, nanos] = line.split('|') as [string, string];
        return { action, ms: Number(BigInt(nanos) / 1_000_000n) };
      });
  };
  return {
    boxes,
    dir,
    name,
    run: (n, flags, cmd) =>
      dockerCli('run', '-d', '--name', name(n), '--label', `dss-test=${suite}`, ...flags, 'local/busybox', ...cmd),
    async eventMs(container, action, nth = 1) {
      const found = (await eventsOf(container)).filter((e) => e.action === action);
      const event = found[nth - 1];
      if (!event) throw new Error(`no event ${nth} ${action} of ${container}: ${JSON.stringify(found)}`);
      return event.ms;
    },
  };
}
