import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import { EVENT_LOOP_SAMPLE_MS, selfMetrics } from '../../src/daemon/selfMetrics.js';
import { createService } from '../../src/service.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lagMax = async (metrics: string): Promise<number> => Number(/^dss_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(metrics)?.[1]);

describe('selfMetrics', () => {
  it(`still sees a stalled event loop while sampling it every ${EVENT_LOOP_SAMPLE_MS} ms`, async () => {
    const { registry } = selfMetrics(createService(resolveConfig({ env: {} })));
    await sleep(3 * EVENT_LOOP_SAMPLE_MS);
    const before = await lagMax(await registry.metrics());
    // Each scrape resets the histogram, and the first tick after a reset only starts timing.
    await sleep(2 * EVENT_LOOP_SAMPLE_MS);
    const stallMs = 3 * EVENT_LOOP_SAMPLE_MS;
    const until = performance.now() + stallMs;
    while (performance.now() < until); // the stall
    await sleep(2 * EVENT_LOOP_SAMPLE_MS);
    const after = await lagMax(await registry.metrics());
    expect(before).toBeLessThan((stallMs - EVENT_LOOP_SAMPLE_MS) / 1000);
    expect(after).toBeGreaterThanOrEqual((stallMs - EVENT_LOOP_SAMPLE_MS) / 1000);
  });
});
