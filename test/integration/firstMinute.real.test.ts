import { afterAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, logLines, spawnDaemon } from '../support/daemon.js';
import { PODMAN_ENGINE, requirePodman } from '../support/podman.js';
import { eventually, testContainers } from '../support/realEngine.js';

// A newcomer's first minute: the daemon started with no container to watch says so, on which
// engine and from which source, and says once when the first container appears.
const boxes = testContainers(`first-minute-${process.pid}`);
afterAll(() => boxes.removeAll());

const messages = (daemon: RunningDaemon, start: string): Array<Record<string, unknown>> =>
  logLines(daemon).filter((l) => typeof l.msg === 'string' && l.msg.startsWith(start));

/** Stops the daemon and waits for its last log line, so that every line it wrote has been read. */
async function stopped(daemon: RunningDaemon): Promise<void> {
  daemon.process.kill('SIGTERM');
  await daemon.exited;
  await eventually(() => messages(daemon, 'stopped').length > 0, 10_000);
}

describe('the first minute of the daemon', () => {
  it('logs 0 watched with the engine and the source, then the first container once', async () => {
    const daemon = spawnDaemon({ INCLUDE_NAMES: `${boxes.prefix}*`, METRICS_PORT: '0' });
    try {
      expect(await eventually(() => messages(daemon, 'watching ').length > 0, 15_000), daemon.stderr).toBe(true);
      expect(messages(daemon, 'watching ')[0]).toMatchObject({
        engine: 'unix:///var/run/docker.sock',
        watched: 0,
        product: expect.stringMatching(/^Docker \d+\.\d+/),
        statsSource: 'auto',
        readsFrom: 'cgroup files, the Engine API where they cannot be read',
        msg: expect.stringContaining('none matches yet: the first one to start is logged'),
      });
      expect(messages(daemon, 'the first container')).toEqual([]);

      await boxes.run('a', ['sleep', '600']);
      expect(await eventually(() => messages(daemon, 'the first container').length > 0, 15_000)).toBe(true);
      expect(messages(daemon, 'the first container')[0]).toMatchObject({
        engine: 'unix:///var/run/docker.sock',
        container: `${boxes.prefix}a`,
        source: 'cgroup',
      });
      await boxes.run('b', ['sleep', '600']);
      // b is watched once its points are written (to stdout: no INFLUX_URL).
      const bPoints = (): boolean => daemon.stdout.some((l) => l.includes(`container_name=${boxes.prefix}b`));
      expect(await eventually(bPoints, 15_000)).toBe(true);
    } finally {
      await stopped(daemon);
    }
    expect(messages(daemon, 'the first container')).toHaveLength(1);
    expect(messages(daemon, 'watching ')).toHaveLength(1);
  });

  it('names Podman and its version, and the API source', async () => {
    await requirePodman();
    const daemon = spawnDaemon({
      DOCKER_HOST: PODMAN_ENGINE,
      STATS_SOURCE: 'api',
      INCLUDE_NAMES: `${boxes.prefix}*`,
      METRICS_PORT: '0',
    });
    try {
      expect(await eventually(() => messages(daemon, 'watching ').length > 0, 15_000), daemon.stderr).toBe(true);
    } finally {
      await stopped(daemon);
    }
    expect(messages(daemon, 'watching ')).toEqual([
      expect.objectContaining({
        engine: PODMAN_ENGINE,
        watched: 0,
        product: expect.stringMatching(/^Podman \d+\.\d+/),
        statsSource: 'api',
        readsFrom: 'the Engine API',
      }),
    ]);
  });
});
