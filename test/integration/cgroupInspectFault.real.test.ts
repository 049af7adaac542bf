import type { Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSample } from '../../src/model/containerSample.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { cgroupSource } from '../../src/sources/cgroupSource.js';
import { connectEngine } from '../../src/sources/engine/engine.js';
import { captureLogger } from '../support/captureLogger.js';
import { FaultyEngineProxy } from '../support/faultyEngineProxy.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';

const boxes = testContainers('inspfault');
const ids: Record<string, string> = {};
/** Inspects of each container the proxy answers with a 500 before it passes them to the engine. */
const failFirst: Record<string, number> = { once: 1, many: 6, calm: 0 };
let proxy: FaultyEngineProxy;

/**
 * The real engine behind a proxy that answers HTTP 500 to the first inspect(s) of a chosen
 * container: `once` gets one 500, `many` six (more than inspect's own five tries), `calm` none.
 */
beforeAll(async () => {
  await realEngine();
  await boxes.removeAll();
  proxy = await new FaultyEngineProxy({
    socketPath: `/tmp/dss-test-inspfault-${process.pid}.sock`,
    fault: (request, n) => {
      const name = Object.keys(ids).find((k) => ids[k] === request.inspected);
      return name !== undefined && n <= failFirst[name]! ? 500 : undefined;
    },
  }).start();
  for (const n of Object.keys(failFirst)) ids[n] = (await boxes.run(n, ['sleep', '600'])).id;
}, 120_000);
afterAll(async () => {
  await boxes.removeAll();
  await proxy?.stop();
});

describe('the cgroup source when the engine answers an inspect with HTTP 500', () => {
  it('auto: every container is read from its cgroup files, none moved to the Engine API; a failed inspect is said once', async () => {
    const events: TelemetryEvent[] = [];
    const seen: ContainerSample[] = [];
    const log = captureLogger();
    const source = cgroupSource({
      choice: 'auto',
      sampleIntervalMs: 100,
      filters: { includeNames: Object.keys(failFirst).map((n) => `${boxes.prefix}${n}`) },
      telemetry: { next: (e) => events.push(e) },
      log,
    });
    const records = (n: string): number => seen.filter((d) => d.container.id === ids[n]).length;
    const sub: Subscription = source
      .stats$(connectEngine({ DOCKER_HOST: proxy.dockerHost }))
      .subscribe((d) => seen.push(d));
    try {
      expect(await eventually(() => Object.keys(failFirst).every((n) => records(n) >= 3), 60_000)).toBe(true);
    } finally {
      sub.unsubscribe();
    }
    const opened = events.filter((e) => e.type === 'stream-opened') as Array<{ source: string; container: string }>;
    expect(opened.map((e) => `${e.container.slice(boxes.prefix.length)} ${e.source}`).sort()).toEqual([
      'calm cgroup',
      'many cgroup',
      'once cgroup',
    ]);
    expect(proxy.faults.filter((f) => f.includes(ids.once!))).toHaveLength(1);
    expect(proxy.faults.filter((f) => f.includes(ids.many!))).toHaveLength(6);
    // What is said about a container (a move to the API would be too); the engine's own warnings aside.
    const warnings = log.entries.filter((e) => e.level === 'warn' && (e.obj as { container?: string }).container);
    expect(warnings.map((w) => [(w.obj as { container: string }).container, w.msg])).toEqual([
      [`${boxes.prefix}many`, "cannot start reading this container's cgroup files; trying again with backoff"],
    ]);
    expect(String((warnings[0]!.obj as { err: Error }).err)).toMatch(/500/);
  }, 90_000);
});
