import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTED_MOUNTS, buildImage, removeAll, socketGid } from '../support/builtImage.js';
import { livenessPaths, readinessPath } from '../support/deployFiles.js';
import { dockerCli } from '../support/dockerCli.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { realBed } from '../support/realBed.js';
import { TEST_LABEL, eventually } from '../support/realEngine.js';

const IMAGE = 'dss-test/docker-stats-service:outage';
const DAEMON = 'dss-test-imageoutage-daemon';
const OUTAGE_MS = 120_000;
const POLL_MS = 1500;
const { boxes, vm } = realBed('imageoutage', { sleeper: ['sleep', '3600'] });

beforeAll(() => buildImage(IMAGE), 600_000);
afterAll(() => removeAll([DAEMON], IMAGE));

const status = async (port: number, path: string): Promise<number> => {
  try {
    return (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0; // did not answer
  }
};

/** What the engine says of the container: its health (the image's HEALTHCHECK), restarts, running. */
async function inspect(): Promise<{ health: string; restarts: number; running: boolean }> {
  const out = await dockerCli(
    'inspect',
    '--format',
    '{{.State.Health.Status}} {{.RestartCount}} {{.State.Running}}',
    DAEMON,
  );
  const [health, restarts, running] = out.trim().split(' ');
  return { health: health!, restarts: Number(restarts), running: running === 'true' };
}

describe('the image through a 2-minute database outage (issue 24)', () => {
  it('the deploy files probe liveness, which stays 200 and healthy, never restarted; readiness 503, then 200', async () => {
    // Every liveness probe the deploy files name is the one path; the test polls that path.
    const paths = livenessPaths();
    const live = paths.daemonset!;
    expect(new Set(Object.values(paths))).toEqual(new Set([live]));
    const ready = readinessPath()!;
    expect(ready).not.toBe(live);

    const port = await freePort();
    // The image's own HEALTHCHECK command, probed more often and failing at the first miss
    // (stricter than the image's 30 s x 3), and a restart policy that would show a restart.
    await dockerCli(
      'run',
      '-d',
      '--name',
      DAEMON,
      '--label',
      `${TEST_LABEL}=imageoutage`,
      '--restart',
      'unless-stopped',
      '--health-interval',
      '2s',
      '--health-retries',
      '1',
      '--network',
      'host',
      '--group-add',
      socketGid(),
      ...DOCUMENTED_MOUNTS,
      '-e',
      `INFLUX_URL=${vm.url}`,
      '-e',
      'INFLUX_ORG=dss',
      '-e',
      'INFLUX_BUCKET=outage',
      '-e',
      'FLUSH_INTERVAL_MS=1000',
      '-e',
      `INCLUDE_NAMES=${boxes.prefix}*`,
      '-e',
      `METRICS_PORT=${port}`,
      '-e',
      'HOST_TAG=outage',
      IMAGE,
    );
    // Points stored with a timestamp in [from, to).
    const stored = async (from = 0, to = Infinity): Promise<number> =>
      (await vm.export(`memory_usage_bytes{host="outage"}`))
        .flatMap((s) => s.timestamps)
        .filter((t) => t >= from && t < to).length;
    expect(await eventually(async () => (await status(port, ready)) === 200, 60_000)).toBe(true);
    expect(await eventually(async () => (await stored()) > 0, 60_000)).toBe(true);
    expect(await eventually(async () => (await inspect()).health === 'healthy', 60_000)).toBe(true);

    await vm.stop();
    const outageFrom = Date.now();
    const seen: Array<{ live: number; ready: number; health: string; restarts: number; running: boolean }> = [];
    while (Date.now() - outageFrom < OUTAGE_MS) {
      const [l, r, state] = await Promise.all([status(port, live), status(port, ready), inspect()]);
      seen.push({ live: l, ready: r, ...state });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await vm.start();
    const outageTo = Date.now();

    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((s) => s.live !== 200)).toEqual([]);
    expect(seen.filter((s) => s.health !== 'healthy' || s.restarts !== 0 || !s.running)).toEqual([]);
    // Not ready once the writes failed, and for the rest of the outage.
    const firstNotReady = seen.findIndex((s) => s.ready === 503);
    expect(firstNotReady).toBeGreaterThanOrEqual(0);
    expect(seen.slice(firstNotReady).filter((s) => s.ready !== 503)).toEqual([]);
    expect(firstNotReady).toBeLessThan(seen.length / 2);

    // The database back: ready again, and what was collected during the outage was kept and written.
    expect(await eventually(async () => (await status(port, ready)) === 200, 120_000)).toBe(true);
    const duringOutage = (): Promise<number> => stored(outageFrom + 5000, outageTo - 5000);
    expect(await eventually(async () => (await duringOutage()) > 0, 60_000)).toBe(true);
    expect((await inspect()).restarts).toBe(0);
  }, 600_000);
});
