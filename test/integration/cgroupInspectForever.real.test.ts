import type { Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSample } from '../../src/model/containerSample.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { cgroupSource } from '../../src/sources/cgroupSource.js';
import { connectEngine } from '../../src/sources/engine/engine.js';
import { captureLogger } from '../support/captureLogger.js';
import { FaultyEngineProxy } from '../support/faultyEngineProxy.js';
import { control, eventually, realEngine, testContainers } from '../support/realEngine.js';

const boxes = testContainers('inspforever');
const ids: Record<string, string> = {};
/**
 * What the proxy answers every inspect of each container with, for ever: `undecodable` a 200
 * whose body is not an inspect (`{"message": ...}`, a real engine's answer minus State and
 * HostConfig), `stubborn` and `doomed` a 500 (more than inspect's own tries, every time);
 * `doomed` is removed while it is tried again.
 */
const fault: Record<string, number> = { undecodable: 200, stubborn: 500, doomed: 500 };
let proxy: FaultyEngineProxy;

beforeAll(async () => {
  await realEngine();
  await boxes.removeAll();
  proxy = await new FaultyEngineProxy({
    socketPath: `/tmp/dss-test-inspforever-${process.pid}.sock`,
    fault: (request) => {
      const name = Object.keys(ids).find((k) => ids[k] === request.inspected);
      return name === undefined ? undefined : fault[name];
    },
  }).start();
  for (const n of Object.keys(fault)) ids[n] = (await boxes.run(n, ['sleep', '600'])).id;
}, 120_000);
afterAll(async () => {
  await boxes.removeAll();
  await proxy?.stop();
});

describe('the cgroup source when a container’s inspect never succeeds', () => {
  it('auto: an undecodable answer moves it to the API at once, endless 500s after a few retries; a removed one stops being inspected', async () => {
    const events: TelemetryEvent[] = [];
    const seen: ContainerSample[] = [];
    const log = captureLogger();
    const source = cgroupSource({
      choice: 'auto',
      sampleIntervalMs: 200,
      filters: { includeNames: Object.keys(fault).map((n) => `${boxes.prefix}${n}`) },
      telemetry: { next: (e) => events.push(e) },
      log,
    });
    const inspects = (n: string): number => proxy.inspects.get(ids[n]!) ?? 0;
    const records = (n: string): number => seen.filter((d) => d.container.id === ids[n]).length;
    const sub: Subscription = source
      .stats$(connectEngine({ DOCKER_HOST: proxy.dockerHost }))
      .subscribe((d) => seen.push(d));
    try {
      // undecodable: one inspect (no retry can change its answer), then the Engine API.
      expect(await eventually(() => records('undecodable') >= 2, 60_000)).toBe(true);
      expect(inspects('undecodable')).toBe(1);
      // doomed: into its second round of inspects, then removed: its retries end with it.
      expect(await eventually(() => inspects('doomed') >= 6, 60_000)).toBe(true);
      await control.getContainer(ids.doomed!).remove({ force: true });
      const removedAt = Date.now();
      await new Promise((r) => setTimeout(r, 5_000));
      const atRemoval = inspects('doomed');
      // stubborn: 4 rounds of 5 inspects (inspect's own retries), waits of a minute at most, then the API.
      expect(await eventually(() => records('stubborn') >= 2, 150_000)).toBe(true);
      expect(inspects('stubborn')).toBe(20);
      // Past the longest wait between retries (30 s) since the removal: none came.
      await new Promise((r) => setTimeout(r, Math.max(0, removedAt + 35_000 - Date.now())));
      expect(inspects('doomed')).toBe(atRemoval);
      expect(records('doomed')).toBe(0);
    } finally {
      sub.unsubscribe();
    }
    const opened = events.filter((e) => e.type === 'stream-opened') as Array<{ source: string; container: string }>;
    expect(opened.map((e) => `${e.container.slice(boxes.prefix.length)} ${e.source}`).sort()).toEqual([
      'stubborn api',
      'undecodable api',
    ]);
    // Why each moved, once; the retries of the stubborn and the doomed, once each.
    const said = log.entries
      .filter((e) => e.level === 'warn' && (e.obj as { container?: string }).container)
      .map((e) => [
        (e.obj as { container: string }).container.slice(boxes.prefix.length),
        e.msg,
        (e.obj as { reason?: string }).reason,
      ]);
    expect(said.sort()).toEqual([
      ['doomed', "cannot start reading this container's cgroup files; trying again with backoff", undefined],
      ['stubborn', "cannot start reading this container's cgroup files; trying again with backoff", undefined],
      [
        'stubborn',
        "reading this container's stats from the Engine API (each reason is logged once per engine)",
        'starting to read its cgroup files failed 4 times',
      ],
      [
        'undecodable',
        "reading this container's stats from the Engine API (each reason is logged once per engine)",
        "the engine's inspect answer does not decode",
      ],
    ]);
  }, 240_000);
});
