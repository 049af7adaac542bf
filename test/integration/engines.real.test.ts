import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point } from '../../src/model/point.js';
import { type RunningDaemon, logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { dockerCli } from '../support/dockerCli.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { parseLineProtocol } from '../support/parseLineProtocol.js';
import { TEST_LABEL, eventually, realEngine } from '../support/realEngine.js';
import { SECOND_ENGINE, docker2, requireSecondEngine, restartSecondEngine } from '../support/secondEngine.js';

const PREFIX = 'dss-test-engines-';
const label = `${TEST_LABEL}=engines`;

async function removeAll(): Promise<void> {
  for (const cli of [dockerCli, docker2]) {
    const ids = (await cli('ps', '-aq', '--filter', `label=${label}`)).split('\n').filter((l) => l !== '');
    if (ids.length > 0) await cli('rm', '-f', ...ids);
  }
}

describe('two real engines at once, and a dockerd restarted under load (issue 16)', () => {
  let daemon: RunningDaemon | undefined;
  let port = 0;
  beforeAll(async () => {
    await realEngine();
    await requireSecondEngine();
    await removeAll();
    await dockerCli('run', '-d', '--name', `${PREFIX}a`, '--label', label, 'local/busybox', 'sleep', '3600');
    for (const n of ['b1', 'b2'])
      await docker2(
        'run',
        '-d',
        '--restart',
        'always',
        '--name',
        `${PREFIX}${n}`,
        '--label',
        label,
        'local/busybox',
        'sleep',
        '3600',
      );
    port = await freePort();
    daemon = spawnDaemon({
      DOCKER_HOST: `unix:///var/run/docker.sock,${SECOND_ENGINE}`,
      HOST_TAG: 'engine-one,engine-two',
      INCLUDE_NAMES: `${PREFIX}*`,
      METRICS_PORT: String(port),
    });
  }, 60_000);
  afterAll(async () => {
    daemon?.process.kill('SIGTERM');
    await daemon?.exited;
    await removeAll();
  });

  const points = (): Point[] => daemon!.stdout.filter((l) => l.startsWith('memory,')).map(parseLineProtocol);
  const hostsOf = (name: string): Set<string> =>
    new Set(
      points()
        .filter((p) => p.tags.container_name === `${PREFIX}${name}`)
        .map((p) => p.tags.host!),
    );
  const newest = (name: string): number =>
    Math.max(
      0,
      ...points()
        .filter((p) => p.tags.container_name === `${PREFIX}${name}`)
        .map((p) => Number(p.timestamp.slice(0, -6))),
    );

  it('points from both engines, each with its own host tag', async () => {
    expect(
      await eventually(() => hostsOf('a').size > 0 && hostsOf('b1').size > 0 && hostsOf('b2').size > 0, 20_000),
    ).toBe(true);
    expect(hostsOf('a')).toEqual(new Set(['engine-one']));
    expect(hostsOf('b1')).toEqual(new Set(['engine-two']));
  });

  it('the second dockerd restarted: the other engine goes on, one warning, every container streamed once again within 5 s of its answer', async () => {
    const before = newest('a');
    const restarted = restartSecondEngine();
    // while it is down (or coming back), the first engine's container keeps its points coming
    expect(await eventually(() => newest('a') > before + 2000, 30_000)).toBe(true);
    const { answeredAt } = await restarted;
    const running = async (): Promise<number> =>
      (await docker2('ps', '-q', '--filter', `label=${label}`)).split('\n').filter((l) => l).length;
    expect(await eventually(async () => (await running()) === 2, 30_000)).toBe(true); // --restart always
    const streamsBack = await eventually(async () => (await scrapeMetric(port, 'dss_active_streams')) === 3, 30_000);
    const streamsAt = Date.now();
    expect(streamsBack).toBe(true);
    // The containers restarted after the engine answered: within 5 s of the later of the two.
    expect(streamsAt - answeredAt).toBeLessThan(5000 + (await startedAfter(answeredAt)));
    expect(await eventually(() => newest('b1') > answeredAt && newest('b2') > answeredAt, 15_000)).toBe(true);
    expect(daemon!.process.exitCode).toBeNull();
    const warnings = logLines(daemon!).filter(
      (l) => l.msg === 'Docker engine unreachable; retrying with backoff' && l.engine === SECOND_ENGINE,
    );
    expect(warnings.length).toBe(1);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await scrapeMetric(port, 'dss_active_streams')).toBe(3); // exactly one each, not two
  }, 120_000);
});

/** How long after `t` the second engine's test containers were started again (ms; 0 if before). */
async function startedAfter(t: number): Promise<number> {
  const times = (await docker2('inspect', '-f', '{{.State.StartedAt}}', `${PREFIX}b1`, `${PREFIX}b2`))
    .split('\n')
    .filter((l) => l)
    .map((s) => Date.parse(s));
  return Math.max(0, Math.max(...times) - t);
}
