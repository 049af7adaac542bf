import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../src/sources/engine/engine.js';
import { captureLogger } from '../support/captureLogger.js';
import { dockerCli } from '../support/dockerCli.js';
import { FaultyEngineProxy } from '../support/faultyEngineProxy.js';
import { type Seen, proxiedEngine, suiteEvents, watchStates } from '../support/lifecycleWatch.js';
import { TEST_LABEL, eventually, realEngine, testContainers } from '../support/realEngine.js';
import { SECOND_SOCKET, docker2, requireSecondEngine, restartSecondEngine } from '../support/secondEngine.js';

const SUITE = 'lfault';
const boxes = testContainers(SUITE);
const INTERVAL_MS = 500;
const name = (n: string): string => `${boxes.prefix}${n}`;
const label = `${TEST_LABEL}=${SUITE}`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const show = (seen: Seen[]): string => seen.map((s) => `${s.state}:${String(s.exitCode)}`).join(' ');
const last = (seen: Seen[], id: string): Seen | undefined => seen.filter((s) => s.id === id).at(-1);

describe('the container measurement through faults, on the real engine (issue 24)', () => {
  const { proxy, engine: viaProxy } = proxiedEngine('lfault', boxes);

  it('--restart on-failure:5, exit 3: a status with exit_code 3 at each die event', async () => {
    const { events, stop: stopEvents } = await suiteEvents(SUITE);
    const watch = watchStates(await realEngine(), boxes.prefix, INTERVAL_MS);
    try {
      await pause(1000);
      const id = (
        await dockerCli(
          'run',
          '-d',
          '--name',
          name('loop'),
          '--label',
          label,
          '--restart',
          'on-failure:5',
          'local/busybox',
          'sh',
          '-c',
          'exit 3',
        )
      ).trim();
      const dies = () => events.filter((e) => e.id === id && e.action === 'die');
      expect(await eventually(() => dies().length === 6, 120_000)).toBe(true);
      await pause(4 * INTERVAL_MS);
      const mine = watch.seen.filter((s) => s.id === id);
      for (const die of dies()) {
        expect(die.exitCode).toBe('3');
        const at = mine.filter((s) => Math.abs(s.ns - die.ns) < 1000);
        expect(
          at.map((s) => `${s.state}:${String(s.exitCode)}`),
          show(mine),
        ).toEqual(['exited:3']);
      }
    } finally {
      watch.stop();
      stopEvents();
    }
  }, 180_000);

  it('a 500 on the start-up inspect of a listed container costs it no status', async () => {
    const id = (
      await dockerCli('run', '-d', '--name', name('five'), '--label', label, 'local/busybox', 'sleep', '600')
    ).trim();
    let failed = 0;
    proxy.fault = ({ path }) => (path.includes(`/containers/${id}/json`) && failed++ === 0 ? 500 : undefined);
    const watch = watchStates(viaProxy(), boxes.prefix, INTERVAL_MS);
    try {
      expect(await eventually(() => watch.seen.some((s) => s.id === id), 20_000)).toBe(true);
      expect(last(watch.seen, id)?.state).toBe('running');
      expect(failed).toBeGreaterThanOrEqual(2); // the 500, then the retry that answered
    } finally {
      watch.stop();
      proxy.fault = () => undefined;
    }
  }, 60_000);

  it('when its inspect never answers, a listed container is known from the listing, and told once', async () => {
    const id = (
      await dockerCli('run', '-d', '--name', name('mute'), '--label', label, 'local/busybox', 'sleep', '600')
    ).trim();
    proxy.fault = ({ path }) => (path.includes(`/containers/${id}/json`) ? 500 : undefined);
    const log = captureLogger();
    const watch = watchStates(viaProxy(), boxes.prefix, INTERVAL_MS, log);
    try {
      expect(await eventually(() => watch.seen.filter((s) => s.id === id).length >= 2, 60_000)).toBe(true);
      const seen = last(watch.seen, id)!.record.status;
      expect(seen).toMatchObject({ state: 'running', container: { name: name('mute'), image: 'local/busybox' } });
      expect(seen.container.labels).toMatchObject({ [TEST_LABEL]: SUITE });
      expect(log.entries.filter((e) => JSON.stringify(e.obj).includes(id)).map((e) => e.level)).toEqual(['warn']);
    } finally {
      watch.stop();
      proxy.fault = () => undefined;
    }
  }, 90_000);

  it('a container stopped while the events stream is down ends on running=false', async () => {
    const id = (
      await dockerCli('run', '-d', '--name', name('cut'), '--label', label, 'local/busybox', 'sleep', '600')
    ).trim();
    const watch = watchStates(viaProxy(), boxes.prefix, INTERVAL_MS);
    try {
      expect(await eventually(() => last(watch.seen, id)?.state === 'running', 20_000)).toBe(true);
      proxy.fault = ({ path }) => (/^\/(v[\d.]+\/)?events/.test(path) ? 500 : undefined);
      proxy.cutEvents();
      await dockerCli('stop', '-t', '0', id);
      await pause(1000);
      proxy.fault = () => undefined;
      expect(await eventually(() => last(watch.seen, id)?.state === 'exited', 30_000), show(watch.seen)).toBe(true);
      await pause(4 * INTERVAL_MS);
      expect(last(watch.seen, id)?.state).toBe('exited');
    } finally {
      watch.stop();
      proxy.fault = () => undefined;
    }
  }, 60_000);
});

describe('a container of a dockerd that restarts (the second engine; issue 24)', () => {
  const boxName = name('second');
  // dockerd 20.10 keeps its /events streams open while it stops its containers on SIGTERM, so the
  // `die` would be seen: the proxy cuts the stream first, as a lost connection would.
  const proxy = new FaultyEngineProxy({
    socketPath: join(tmpdir(), `dss-lfault2-${process.pid}.sock`),
    upstream: SECOND_SOCKET,
  });
  beforeAll(async () => {
    await requireSecondEngine();
    await docker2('rm', '-f', boxName).catch(() => undefined);
  });
  afterAll(async () => {
    await proxy.stop();
    await docker2('rm', '-f', boxName).catch(() => undefined);
  });

  it('its containers die with the dockerd, unseen: the last status does not say running', async () => {
    const id = (
      await docker2('run', '-d', '--name', boxName, '--stop-timeout', '1', 'local/busybox', 'sleep', '600')
    ).trim();
    const watch = watchStates(
      connectEngine({ DOCKER_HOST: (await proxy.start()).dockerHost }),
      boxes.prefix,
      INTERVAL_MS,
    );
    try {
      expect(await eventually(() => last(watch.seen, id)?.state === 'running', 20_000)).toBe(true);
      proxy.fault = ({ path }) => (/^\/(v[\d.]+\/)?events/.test(path) ? 500 : undefined);
      proxy.cutEvents();
      await restartSecondEngine();
      proxy.fault = () => undefined;
      expect(await eventually(() => last(watch.seen, id)?.state === 'exited', 60_000), show(watch.seen)).toBe(true);
      await pause(4 * INTERVAL_MS);
      expect(last(watch.seen, id)?.record.status).toMatchObject({ state: 'exited' });
    } finally {
      watch.stop();
    }
  }, 180_000);
});
