import type { Observable, Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allStats$ } from '../../src/sources/apiSource.js';
import type { Engine } from '../../src/sources/engine/engine.js';
import { Int, type Point } from '../../src/model/point.js';
import { toPoints } from '../../src/transform/toPoints.js';
import { decodeStats } from '../../src/validate/decodeStats.js';
import { dockerCli, dockerStatsBytes as bytes } from '../support/dockerCli.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';

const boxes = testContainers('metrics');
let engine: Engine;
let subscription: Subscription | undefined;
const points: Point[] = [];

const points$ = (): Observable<Point> =>
  allStats$(engine, { filters: { includeNames: [`${boxes.prefix}*`] } }).pipe(decodeStats(), toPoints());
const of = (name: string, measurement: string) =>
  points.filter((p) => p.tags.container_name === `${boxes.prefix}${name}` && p.measurement === measurement);

beforeAll(async () => {
  engine = await realEngine();
  await boxes.removeAll();
  await boxes.run('busy', ['sh', '-c', 'while :; do :; done'], { CpusetCpus: '0' });
  await boxes.run('shm', ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=64 2>/dev/null; sleep 600'], {
    ShmSize: 256 * 1024 * 1024,
  });
  subscription = points$().subscribe((p) => points.push(p));
});
afterAll(async () => {
  subscription?.unsubscribe();
  await boxes.removeAll();
});

describe('measurements on the real engine, compared with docker stats', () => {
  it('a container busy on one CPU shows cpu usage_percent between 80 and 110', async () => {
    expect(await eventually(() => of('busy', 'cpu').length >= 4, 15_000)).toBe(true);
    const settled = of('busy', 'cpu').slice(2); // the loop's first second may be partial
    for (const p of settled) {
      expect(p.fields.usage_percent).toBeGreaterThanOrEqual(80);
      expect(p.fields.usage_percent).toBeLessThanOrEqual(110);
    }
  });

  it('a container holding 64 MB in /dev/shm shows usage_bytes within 5 % of docker stats --no-stream', async () => {
    expect(
      await eventually(() => of('shm', 'memory').some((p) => Number(p.fields.usage_bytes) > 60 * 2 ** 20), 15_000),
    ).toBe(true);
    const stdout = await dockerCli('stats', '--no-stream', '--format', '{{.MemUsage}}', `${boxes.prefix}shm`);
    const cli = bytes(stdout.split('/')[0]!);
    const ours = Number(of('shm', 'memory').at(-1)!.fields.usage_bytes);
    expect(Math.abs(ours - cli) / cli).toBeLessThanOrEqual(0.05);
    expect(ours).toBeGreaterThan(64 * 2 ** 20);
  });

  it('eth0 counters appear for a container on the default bridge', async () => {
    expect(await eventually(() => of('busy', 'network').length > 0)).toBe(true);
    const eth0 = of('busy', 'network').at(-1)!;
    expect(eth0.tags.interface).toBe('eth0');
    expect(Object.keys(eth0.fields).sort()).toEqual([
      'rx_bytes',
      'rx_dropped',
      'rx_errors',
      'rx_packets',
      'tx_bytes',
      'tx_dropped',
      'tx_errors',
      'tx_packets',
    ]);
    expect(eth0.fields.rx_bytes).toBeInstanceOf(Int);
  });
});
