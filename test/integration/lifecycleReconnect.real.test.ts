import { describe, expect, it } from 'vitest';
import { type Seen, proxiedEngine, suiteEvents, watchStates } from '../support/lifecycleWatch.js';
import { TEST_LABEL, control, eventually, realEngine, testContainers } from '../support/realEngine.js';

const SUITE = 'lrecon';
const boxes = testContainers(SUITE);
const INTERVAL_MS = 300;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const states = (seen: Seen[], id: string): string[] => seen.filter((s) => s.id === id).map((s) => s.state);

/**
 * Review r1's reproductions on the real engine, behind the fault proxy: containers the lifecycle
 * did not know yet (finding A), and events whose inspect a cut /events stream ended (finding B).
 */
describe('the container measurement across unknown ids and reconnects, on the real engine (issue 24)', () => {
  const { proxy, engine: viaProxy } = proxiedEngine('lrecon', boxes);

  it('a running container renamed into the name filter is written running, every interval', async () => {
    const watch = watchStates(await realEngine(), `${boxes.prefix}in-`, INTERVAL_MS);
    try {
      const { id } = await boxes.run('out', ['sleep', '600']);
      await pause(1000);
      await control.getContainer(id).rename({ name: `${boxes.prefix}in-x` });
      expect(await eventually(() => states(watch.seen, id).length >= 4, 20_000), 'written 4 times').toBe(true);
      expect(states(watch.seen, id)).toEqual(states(watch.seen, id).map(() => 'running'));
    } finally {
      watch.stop();
    }
  }, 60_000);

  it('`docker update` while its listing’s inspect is retrying (500s): running, not `created`', async () => {
    const { id } = await boxes.run('upd', ['sleep', '600']);
    proxy.fault = ({ inspected }, n) => (inspected === id && n <= 3 ? 500 : undefined);
    const watch = watchStates(viaProxy(), `${boxes.prefix}upd`, INTERVAL_MS);
    try {
      expect(await eventually(() => (proxy.inspects.get(id) ?? 0) >= 1, 20_000)).toBe(true);
      await control.getContainer(id).update({ CpuShares: 512 });
      expect(await eventually(() => states(watch.seen, id).length >= 6, 30_000), 'written 6 times').toBe(true);
      expect(states(watch.seen, id)).toEqual(states(watch.seen, id).map(() => 'running'));
    } finally {
      watch.stop();
      proxy.fault = () => undefined;
    }
  }, 60_000);

  it('a die whose inspect is retrying when /events is cut is written at its time, exit code 7', async () => {
    const { id } = await boxes.run('die', ['sh', '-c', 'trap "exit 7" TERM; while true; do sleep 0.1; done']);
    const { events, stop: stopEvents } = await suiteEvents(SUITE);
    const watch = watchStates(viaProxy(), `${boxes.prefix}die`, INTERVAL_MS);
    let failing = false;
    proxy.fault = ({ inspected }) => (failing && inspected === id ? 500 : undefined);
    try {
      expect(await eventually(() => states(watch.seen, id).includes('running'), 20_000)).toBe(true);
      failing = true; // its next inspect retries for a second or more
      await control.getContainer(id).kill({ signal: 'TERM' });
      expect(await eventually(() => events.some((e) => e.id === id && e.action === 'die'), 20_000)).toBe(true);
      await pause(150);
      proxy.cutEvents(); // a reconnect while the die's inspect is retrying
      await pause(500);
      failing = false;
      const die = events.find((e) => e.id === id && e.action === 'die')!;
      const atDie = () => watch.seen.filter((s) => s.id === id && s.ns === die.ns);
      expect(await eventually(() => atDie().length > 0, 30_000)).toBe(true);
      await pause(4 * INTERVAL_MS);
      expect(atDie().map((s) => `${s.state}:${String(s.exitCode)}`)).toEqual(['exited:7']);
    } finally {
      watch.stop();
      stopEvents();
      proxy.fault = () => undefined;
    }
  }, 60_000);

  it('churn with /events cut every 2 s: each die written at its time with its exit code, no ghost', async () => {
    const { events, stop: stopEvents } = await suiteEvents(SUITE);
    const watch = watchStates(viaProxy(), `${boxes.prefix}ch-`, INTERVAL_MS);
    const cutter = setInterval(() => proxy.cutEvents(), 2000);
    const ids: string[] = [];
    try {
      await pause(1000);
      for (let round = 0; round < 5; round++) {
        const started = await Promise.all(
          Array.from({ length: 16 }, async (_, i) => {
            const c = await control.createContainer({
              Image: 'local/busybox',
              name: `${boxes.prefix}ch-${round}-${i}`,
              Cmd: ['sh', '-c', `sleep 0.$((RANDOM % 9)); exit ${(i % 5) + 1}`],
              Labels: { [TEST_LABEL]: SUITE },
              HostConfig: { AutoRemove: true },
            });
            await c.start();
            return c.id;
          }),
        );
        ids.push(...started);
        await pause(1500);
      }
      const destroyed = () => ids.every((id) => events.some((e) => e.id === id && e.action === 'destroy'));
      expect(await eventually(destroyed, 60_000)).toBe(true);
      clearInterval(cutter);
      const dies = events.filter((e) => ids.includes(e.id) && e.action === 'die');
      const written = (d: (typeof dies)[number]) =>
        watch.seen.some((s) => s.id === d.id && s.ns === d.ns && String(s.exitCode) === d.exitCode);
      expect(await eventually(() => dies.every(written), 30_000), 'every die written at its time').toBe(true);
      await pause(3 * INTERVAL_MS);
      const quietFrom = Date.now();
      await pause(3 * INTERVAL_MS);
      const ghosts = watch.seen.filter((s) => s.receivedAt >= quietFrom && s.state === 'running');
      expect(dies.length).toBe(ids.length);
      expect(ghosts.map((g) => g.record.status.container.name)).toEqual([]);
    } finally {
      clearInterval(cutter);
      watch.stop();
      stopEvents();
    }
  }, 180_000);
});
