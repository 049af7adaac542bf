import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, testContainers } from '../support/realEngine.js';

/** The example as a user runs it, built by `npm run build` (npm test builds first). */
const BUSIEST = fileURLToPath(new URL('../../dist/examples/busiest.js', import.meta.url));

const containers = testContainers('examples');
const busy = `${containers.prefix}busy`;
const idle = `${containers.prefix}idle`;
let child: ChildProcess | undefined;

beforeAll(async () => {
  await containers.removeAll();
  await containers.run('busy', ['sh', '-c', 'while :; do :; done']);
  await containers.run('idle', ['sleep', '600']);
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
  await containers.removeAll();
});

/** `name 12.3%` pairs of one line of the example's output. */
const entries = (line: string): Array<{ name: string; cpu: number }> =>
  [...line.matchAll(/(\S+) (-|\d+(?:\.\d+)?)%/g)].map((m) => ({ name: m[1] ?? '', cpu: Number(m[2]) }));

describe('examples/busiest.ts, built, against the real engine', () => {
  it('names the busy container first, with a CPU figure a busy loop can have, and the idle one near 0', async () => {
    expect(existsSync(BUSIEST), `${BUSIEST}: run npm run build first`).toBe(true);
    const started = spawn(process.execPath, [BUSIEST], {
      // Only this suite's containers: other suites run busy containers on the same engine.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', INCLUDE_NAMES: `${containers.prefix}*` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const lines: string[] = [];
    let stderr = '';
    let partial = '';
    started.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    });
    started.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

    // A line with both containers, each with its figure (the first sample of each has none).
    const both = (line: string): boolean => {
      const seen = entries(line);
      return [busy, idle].every((name) => seen.some((e) => e.name === name && !Number.isNaN(e.cpu)));
    };
    const ready = await eventually(() => lines.some(both) || started.exitCode !== null, 30_000);
    expect(started.exitCode, stderr).toBeNull();
    expect(ready, `no line with both containers in ${JSON.stringify(lines)}; stderr: ${stderr}`).toBe(true);

    const [first, second] = entries(lines.find(both) ?? '');
    expect(first?.name).toBe(busy);
    // One busy loop: more than a trickle of one CPU (the machine is shared), at most every CPU.
    expect(first?.cpu).toBeGreaterThan(5);
    expect(first?.cpu).toBeLessThanOrEqual(100 * availableParallelism() + 5);
    expect(second?.name).toBe(idle);
    expect(second?.cpu).toBeLessThan(5);
  });
});
