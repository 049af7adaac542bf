import { existsSync } from 'node:fs';
import { filter, firstValueFrom, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSample } from '../../src/model/containerSample.js';
import { cgroupSource } from '../../src/sources/cgroupSource.js';
import type { Engine } from '../../src/sources/engine/engine.js';
import { captureLogger } from '../support/captureLogger.js';
import { realEngine, testContainers } from '../support/realEngine.js';

// PSI through the real cgroup source, on this host's kernel: a hybrid cgroup v1 host, whose
// containers' pressure files are in the unified hierarchy (/sys/fs/cgroup/unified/docker/<id>).
const boxes = testContainers('psi');
const name = (n: string): string => `${boxes.prefix}${n}`;
let engine: Engine;
let id = '';

beforeAll(async () => {
  engine = await realEngine();
  await boxes.removeAll();
  // A busy loop held to a fifth of a CPU: stalled on the CPU most of the time.
  const busy = await boxes.run('busy', ['sh', '-c', 'while :; do :; done'], { NanoCpus: 200_000_000 });
  id = busy.id;
}, 60_000);
afterAll(() => boxes.removeAll());

describe('pressure stall information from the real kernel', () => {
  it('a busy container held to --cpus 0.2: its cpu pressure `some` total rises between two samples 2 s apart', async () => {
    const psiFile = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']
      .map((root) => `${root}/docker/${id}/cpu.pressure`)
      .find((path) => existsSync(path));
    expect(psiFile, 'this host’s kernel has PSI for the container (the test bed’s does)').toBeDefined();
    const log = captureLogger();
    const source = cgroupSource({
      choice: 'cgroup',
      sampleIntervalMs: 500,
      filters: { includeNames: [name('busy')] },
      log,
    });
    const samples: ContainerSample[] = await firstValueFrom(
      source.stats$(engine).pipe(
        filter((s) => s.container.id === id),
        take(5),
        toArray(),
        timeout(30_000),
      ),
    );
    const [first, last] = [samples[0]!, samples.at(-1)!];
    const seconds = last.at.seconds - first.at.seconds + (last.at.nanos - first.at.nanos) / 1e9;
    expect(seconds).toBeGreaterThanOrEqual(1.9);
    const [before, after] = [first.pressure?.cpu?.someNs, last.pressure?.cpu?.someNs];
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(before!);
    // a counter of stalled time: no faster than the wall clock, in whole µs
    expect(after! - before!).toBeLessThanOrEqual((seconds + 0.1) * 1e9);
    expect(after! % 1000).toBe(0);
    // the other resources' totals are there too (0 or more), and nothing was logged as an error
    expect(last.pressure?.memory?.someNs).toBeGreaterThanOrEqual(0);
    expect(last.pressure?.io?.someNs).toBeGreaterThanOrEqual(0);
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
  }, 60_000);
});
