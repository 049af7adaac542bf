import type { Subscription } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { type DiscoveryEvent } from '../../src/sources/engine/discovery.js';
import { containers$ } from '../../src/sources/engine/containers.js';
import { captureLogger } from '../support/captureLogger.js';
import { proxiedEngine, suiteEvents, watchStates } from '../support/lifecycleWatch.js';
import { control, eventually, testContainers } from '../support/realEngine.js';

const SUITE = 'evdrop';
const boxes = testContainers(SUITE);
/** Renames made while the streams are held: the engine keeps some 1,200 events of a stalled reader. */
const RENAMES = 2600;
const CHURNERS = 13;

/** The suite's `start` and `rename` events, through the proxy, counted as they come. */
async function countEvents(
  dockerHost: string,
): Promise<{ renames: () => number; started: (id: string) => boolean; stop: () => void }> {
  const { default: Docker } = await import('dockerode');
  const via = new Docker({ socketPath: dockerHost.replace('unix://', '') });
  const { events, stop } = await suiteEvents(SUITE, { via, actions: ['start', 'rename'] });
  return {
    renames: () => events.filter((e) => e.action === 'rename').length,
    started: (id) => events.some((e) => e.action === 'start' && e.id === id),
    stop,
  };
}

/**
 * The engine drops the events of a reader that falls behind (moby's publisher waits 100 ms on a
 * full queue of 1,024): made for real by a proxy that stops reading the engine's /events
 * answers, as a collector starved of CPU does, while 2,600 renames fill them and a container
 * starts. Its `start` is lost for every reader; the late events that come after say so, and the
 * listing again brings the container, its state and the last names.
 */
describe('events the engine dropped, on the real engine behind a proxy that stops reading', () => {
  const { proxy, engine } = proxiedEngine(SUITE, boxes);
  const subscriptions: Subscription[] = [];
  afterAll(() => subscriptions.forEach((s) => s.unsubscribe()));

  it('a container started while they were dropped is watched, with its state and the last names', async () => {
    const churners = await Promise.all(
      Array.from({ length: CHURNERS }, (_, i) => boxes.run(`churn-${i}`, ['sleep', '600'])),
    );
    const log = captureLogger();
    const discovered: DiscoveryEvent[] = [];
    const filters = { includeNames: [`${boxes.prefix}*`] };
    subscriptions.push(containers$(engine(), filters, { log }).subscribe((e) => discovered.push(e)));
    const watch = watchStates(engine(), boxes.prefix, 500);
    subscriptions.push({ unsubscribe: watch.stop } as Subscription);
    const counted = await countEvents(proxy.dockerHost);
    subscriptions.push({ unsubscribe: counted.stop } as Subscription);
    const added = (id: string) => discovered.some((e) => e.kind === 'added' && e.container.id === id);
    expect(await eventually(() => churners.every((c) => added(c.id)), 30_000)).toBe(true);

    proxy.holdEvents();
    const last = new Map<string, string>();
    await Promise.all(
      churners.map(async (c, i) => {
        for (let n = 0; n < RENAMES / CHURNERS; n++) {
          const name = `${boxes.prefix}churn-${i}-${n % 2 === 0 ? 'a' : 'b'}`;
          await control.getContainer(c.id).rename({ name });
          last.set(c.id, name);
        }
      }),
    );
    const late = await boxes.run('late', ['sleep', '600']);
    await new Promise((r) => setTimeout(r, 500)); // its start published, and dropped, while held
    proxy.releaseEvents();

    // The fault is real: the engine dropped renames, and the late container's start, for a reader held so.
    expect(await eventually(() => counted.renames() > 0, 30_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    expect(counted.renames()).toBeLessThan(RENAMES);
    expect(counted.started(late.id)).toBe(false);

    expect(await eventually(() => added(late.id), 30_000), 'the late container watched').toBe(true);
    expect(log.entries.some((e) => e.level === 'warn' && /came late/.test(e.msg ?? ''))).toBe(true);
    const lastState = () =>
      watch.seen
        .filter((s) => s.id === late.id)
        .sort((a, b) => a.ns - b.ns)
        .at(-1);
    expect(await eventually(() => lastState()?.state === 'running', 30_000), 'its status running').toBe(true);
    const names = new Map<string, string>();
    for (const e of discovered)
      if (e.kind === 'added' || e.kind === 'renamed') names.set(e.container.id, e.container.name);
    for (const c of churners) expect(names.get(c.id), 'discovery’s name').toBe(last.get(c.id));
    const lastName = (id: string) =>
      watch.seen
        .filter((s) => s.id === id)
        .sort((a, b) => a.ns - b.ns)
        .at(-1)?.record.status.container.name;
    const named = () => churners.every((c) => lastName(c.id) === last.get(c.id));
    expect(await eventually(named, 30_000), 'the lifecycle’s names').toBe(true);
  }, 300_000);

  // Before the fix the first event set the measure: a session late from its first event never listed again.
  it('the same when no event was read before the reader fell behind (late from its first event)', async () => {
    subscriptions.splice(0).forEach((s) => s.unsubscribe());
    await boxes.removeAll();
    const churners = await Promise.all(
      Array.from({ length: CHURNERS }, (_, i) => boxes.run(`first-${i}`, ['sleep', '600'])),
    );
    const discovered: DiscoveryEvent[] = [];
    const filters = { includeNames: [`${boxes.prefix}*`] };
    subscriptions.push(containers$(engine(), filters).subscribe((e) => discovered.push(e)));
    const counted = await countEvents(proxy.dockerHost);
    subscriptions.push({ unsubscribe: counted.stop } as Subscription);
    const added = (id: string) => discovered.some((e) => e.kind === 'added' && e.container.id === id);
    expect(await eventually(() => churners.every((c) => added(c.id)), 30_000), 'listed').toBe(true);
    await new Promise((r) => setTimeout(r, 1000)); // no event read yet: the events stream open, quiet

    proxy.holdEvents();
    await Promise.all(
      churners.map(async (c, i) => {
        for (let n = 0; n < RENAMES / CHURNERS; n++)
          await control.getContainer(c.id).rename({ name: `${boxes.prefix}first-${i}-${n % 2 === 0 ? 'a' : 'b'}` });
      }),
    );
    const late = await boxes.run('first-late', ['sleep', '600']);
    await new Promise((r) => setTimeout(r, 500));
    proxy.releaseEvents();

    expect(await eventually(() => counted.renames() > 0, 30_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    expect(counted.started(late.id), 'its start dropped by the engine').toBe(false);
    expect(await eventually(() => added(late.id), 30_000), 'the late container watched').toBe(true);
  }, 300_000);
});
