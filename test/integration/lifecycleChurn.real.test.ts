import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine } from '../../src/sources/engine/engine.js';
import { captureLogger } from '../support/captureLogger.js';
import { type Seen, type SeenEvent, suiteEvents, watchStates } from '../support/lifecycleWatch.js';
import { TEST_LABEL, control, eventually, realEngine, testContainers } from '../support/realEngine.js';

const SUITE = 'lchurn';
const boxes = testContainers(SUITE);
const INTERVAL_MS = 500;
/** Event times are JSON numbers of ns: read twice, they may differ by a rounding. */
const sameTime = (a: number, b: number): boolean => Math.abs(a - b) < 1000;

/** `docker run --rm local/busybox true`, `n` of them at once; their ids. */
async function blinks(round: string, n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const c = await control.createContainer({
        Image: 'local/busybox',
        name: `${boxes.prefix}${round}-${i}`,
        Cmd: ['true'],
        Labels: { [TEST_LABEL]: SUITE },
        HostConfig: { AutoRemove: true },
      });
      await c.start();
      return c.id;
    }),
  );
}

const eventOf = (events: SeenEvent[], id: string, action: string): SeenEvent | undefined =>
  events.find((e) => e.id === id && e.action === action);
const show = (seen: Seen[]): string => seen.map((s) => `${s.state}@${s.ns}`).join(' ');

/**
 * What the statuses of `--rm` containers that lived a few ms must say: a `running` status stamped
 * at the start event, the first status after the start says running, and none stamped after the
 * destroy event. The engine drops the events of a reader behind (on a host at load 70 we may be
 * starved for seconds): the start of a container is excused only when the lifecycle said its
 * events came late and this test read that start late too, and it is told.
 */
function checkBlinks(ids: string[], seen: Seen[], events: SeenEvent[], log: ReturnType<typeof captureLogger>): void {
  const behind = log.entries.some((e) => e.level === 'warn' && /came late/.test(e.msg ?? ''));
  for (const id of ids) {
    const start = eventOf(events, id, 'start')!;
    const destroy = eventOf(events, id, 'destroy')!;
    const mine = seen.filter((s) => s.id === id).sort((a, b) => a.ns - b.ns);
    const after = mine.filter((s) => s.ns > destroy.ns + 1000);
    expect(after, `${id} after its destroy at ${destroy.ns}: ${show(after)}`).toEqual([]);
    // Excused only when the lifecycle said it was behind and this test's own reader, in the same
    // process, got the start late too (>= the engine's 100 ms): a start lost with no lag still fails.
    if (behind && start.lateMs >= 100 && !mine.some((s) => s.state === 'running')) {
      console.warn(`${id}: no running status; its start came ${Math.round(start.lateMs)} ms late (dropped?)`);
      continue;
    }
    expect(
      mine.some((s) => sameTime(s.ns, start.ns) && s.state === 'running'),
      `${id}: running at its start ${start.ns}: ${show(mine)}`,
    ).toBe(true);
    expect(mine.find((s) => s.ns >= start.ns - 1000)?.state, `${id}: ${show(mine)}`).toBe('running');
  }
}

describe('the container measurement under churn, on the real engine (issue 24)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await realEngine();
    await boxes.removeAll();
  });
  afterAll(() => boxes.removeAll());

  it('60 `docker run --rm true`: each has a status saying running stamped at its start event', async () => {
    const { events, stop: stopEvents } = await suiteEvents(SUITE);
    const log = captureLogger();
    const watch = watchStates(engine, boxes.prefix, INTERVAL_MS, log);
    try {
      await new Promise((r) => setTimeout(r, 1000)); // the listing done, the events stream open
      const ids = await blinks('once', 60);
      const destroyed = () => ids.every((id) => eventOf(events, id, 'destroy'));
      expect(await eventually(destroyed, 120_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 4 * INTERVAL_MS));
      checkBlinks(ids, watch.seen, events, log);
    } finally {
      watch.stop();
      stopEvents();
    }
  }, 180_000);

  it('80 at once, 10 rounds: no status after a destroy, none once all are gone, running first', async () => {
    const { events, stop: stopEvents } = await suiteEvents(SUITE);
    const log = captureLogger();
    const watch = watchStates(engine, boxes.prefix, INTERVAL_MS, log);
    const ids: string[] = [];
    try {
      await new Promise((r) => setTimeout(r, 1000));
      for (let round = 0; round < 10; round++) {
        const started = await blinks(`r${round}`, 80);
        ids.push(...started);
        const gone = () => started.every((id) => eventOf(events, id, 'destroy'));
        expect(await eventually(gone, 240_000), `round ${round}`).toBe(true);
      }
      // Every container destroyed; two intervals later nothing more is written of any of them.
      await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS));
      const quietFrom = Date.now();
      await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS));
      const late = watch.seen.filter((s) => s.receivedAt >= quietFrom);
      expect(late.map((s) => `${s.id.slice(0, 12)}:${s.state}`)).toEqual([]);
      checkBlinks(ids, watch.seen, events, log);
    } finally {
      watch.stop();
      stopEvents();
    }
    // The engine's own pace sets this test's length: 800 containers took over 10 min at load 47.
  }, 1_200_000);
});
