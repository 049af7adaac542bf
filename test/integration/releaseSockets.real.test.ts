import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/app/collect.js';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import { runDaemon } from '../../src/daemon/runDaemon.js';
import { viewFeed } from '../../src/top/viewFeed.js';
import { captureLogger } from '../support/captureLogger.js';
import { eventually, openHandles, realEngine, testContainers } from '../support/realEngine.js';

// Review of issue 25: "acquires what it needs (sockets, ...) on subscription and releases it on unsubscribe".
const boxes = testContainers('release');
const dir = mkdtempSync(join(tmpdir(), 'dss-release-'));
const onlyMine = { INCLUDE_NAMES: 'dss-test-release-*' };

beforeAll(async () => {
  await realEngine();
  await boxes.removeAll();
  await Promise.all(['a', 'b'].map((n) => boxes.run(n, ['sleep', '600'])));
});
afterAll(async () => {
  await boxes.removeAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `cycle` `times` times and says whether the process's sockets and handles (timers) are back where they were. */
async function socketsBack(cycle: () => Promise<unknown>, times = 4): Promise<string | undefined> {
  const before = openHandles();
  for (let i = 0; i < times; i++) await cycle();
  const back = await eventually(() => {
    const now = openHandles();
    return now.sockets <= before.sockets && now.resources <= before.resources;
  }, 3000);
  const now = JSON.stringify(openHandles());
  return back ? undefined : `${now}, before ${JSON.stringify(before)}, after ${times} subscriptions`;
}

describe.each(['api', 'cgroup'])(
  'every engine socket and timer is let go of on unsubscribe (STATS_SOURCE=%s)',
  (source) => {
    const env = { STATS_SOURCE: source, ...onlyMine };

    it('collect(config), which makes its own engine clients', async () => {
      const config = resolveConfig({ env });
      const leak = await socketsBack(() => firstValueFrom(collect(config).pipe(take(4), toArray(), timeout(15_000))));
      expect(leak).toBeUndefined();
    }, 90_000);

    it("top's viewFeed", async () => {
      const config = resolveConfig({ env: { ...env, READ_INTERVAL_MS: '200' } });
      const feed$ = viewFeed(config, { log: captureLogger() });
      const leak = await socketsBack(() => firstValueFrom(feed$.pipe(take(2), toArray(), timeout(15_000))));
      expect(leak).toBeUndefined();
    }, 90_000);

    it('runDaemon', async () => {
      const out = join(dir, `${source}.lp`);
      const config = resolveConfig({ env: { ...env, OUTPUT: `file:${out}`, METRICS_PORT: '0' } });
      const leak = await socketsBack(async () => {
        const log = captureLogger();
        const sub = runDaemon(config, { log }).subscribe();
        await eventually(() => log.entries.some((e) => e.msg === 'docker-stats-service started'));
        // Streams open and records read before it ends.
        await new Promise((r) => setTimeout(r, 1500));
        sub.unsubscribe();
      });
      expect(leak).toBeUndefined();
    }, 90_000);
  },
);
