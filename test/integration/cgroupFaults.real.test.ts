import { rmSync } from 'node:fs';
import type { Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSample } from '../../src/model/containerSample.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { cgroupSource } from '../../src/sources/cgroupSource.js';
import type { Engine } from '../../src/sources/engine/engine.js';
import { captureLogger } from '../support/captureLogger.js';
import { FakeHost } from '../support/fakeCgroupTree.js';
import { breakFile } from '../support/fileFaults.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';

const boxes = testContainers('cgfault');
const name = (n: string): string => `${boxes.prefix}${n}`;
const NAMES = ['bad1', 'bad2', 'good'].map(name);
/** The fake tree's memory usage: a record that has it was read from the fake tree, not from the engine. */
const FAKE_USAGE = 10_000_000;
let engine: Engine;
let host: FakeHost;

/**
 * Real containers, whose cgroup files are a fake tree (HOST_PROC, HOST_CGROUP) that names them:
 * `good`'s are readable; `bad1`'s and `bad2`'s memory.stat cannot be opened (EACCES, for real:
 * a link to a write-only kernel attribute), as when the collector lacks the rights to read them.
 */
beforeAll(async () => {
  engine = await realEngine();
  await boxes.removeAll();
  host = new FakeHost();
  for (const n of ['bad1', 'bad2', 'good']) {
    const info = await (await boxes.run(n, ['sleep', '600'])).inspect();
    const path = `/docker/${info.Id}`;
    const lines = ['pids', 'cpu,cpuacct', 'memory', 'blkio'].map((c, i) => `${12 - i}:${c}:${path}`);
    host.process(info.State.Pid, lines, { eth0: [100, 1, 50, 1] });
    host.v1Container(path, { usage: 1e9, user: 60, system: 40, memory: FAKE_USAGE, inactiveFile: 0, pids: 1 });
    if (n !== 'good') breakFile(`${host.cgroup}/memory${path}/memory.stat`, 'EACCES');
  }
}, 120_000);
afterAll(async () => {
  await boxes.removeAll();
  rmSync(host.root, { recursive: true, force: true });
});

/** The source over the fake tree, its records, telemetry and log, until `done` holds. */
async function run(choice: 'auto' | 'cgroup', done: (seen: ContainerSample[], events: TelemetryEvent[]) => boolean) {
  const events: TelemetryEvent[] = [];
  const log = captureLogger();
  const seen: ContainerSample[] = [];
  const source = cgroupSource({
    choice,
    sampleIntervalMs: 20,
    hostProc: host.proc,
    hostCgroup: host.cgroup,
    filters: { includeNames: NAMES },
    telemetry: { next: (e) => events.push(e) },
    log,
  });
  const sub: Subscription = source.stats$(engine).subscribe((d) => seen.push(d));
  try {
    expect(await eventually(() => done(seen, events), 20_000)).toBe(true);
  } finally {
    sub.unsubscribe();
  }
  const opened = (source: string): number =>
    events.filter((e) => e.type === 'stream-opened' && (e as { source: string }).source === source).length;
  return { seen, events, log, opened };
}

const fromFake = (seen: ContainerSample[], n: string): number =>
  seen.filter((d) => d.container.name === name(n) && d.memory?.usageBytes === FAKE_USAGE).length;
const fromEngine = (seen: ContainerSample[], n: string): number =>
  seen.filter((d) => d.container.name === name(n) && d.memory?.usageBytes !== FAKE_USAGE).length;

describe('the cgroup source when a container’s files cannot be read (EACCES)', () => {
  it('auto: after its retries, each such container is read from the Engine API, said once for both; the other stays on its files', async () => {
    const { seen, log, opened } = await run(
      'auto',
      (s) => fromEngine(s, 'bad1') >= 2 && fromEngine(s, 'bad2') >= 2 && fromFake(s, 'good') >= 20,
    );
    expect([opened('cgroup'), opened('api')]).toEqual([3, 2]);
    expect([fromFake(seen, 'bad1'), fromFake(seen, 'bad2'), fromEngine(seen, 'good')]).toEqual([0, 0, 0]);
    const warnings = log.entries.filter((e) => e.level === 'warn');
    expect(warnings.map((w) => (w.obj as { reason: string }).reason)).toEqual([
      'its cgroup files cannot be read: EACCES reading memory.stat',
    ]);
    expect((warnings[0]!.obj as { error: string }).error).toMatch(
      /5 tries.*EACCES: permission denied, open '.*memory\.stat'/,
    );
  });

  it('cgroup: each such container’s stream ends, with one error in the log for both; the other is read on', async () => {
    let closedAt = 0;
    const { log, opened, events } = await run('cgroup', (s, e) => {
      const closed = e.filter((x) => x.type === 'stream-closed').length;
      if (closed === 2 && closedAt === 0) closedAt = fromFake(s, 'good');
      return closedAt > 0 && fromFake(s, 'good') >= closedAt + 5;
    });
    expect([opened('cgroup'), opened('api')]).toEqual([3, 0]);
    expect(events.filter((e) => e.type === 'stream-closed')).toHaveLength(3); // the two, and good's at unsubscribe
    const errors = log.entries.filter((e) => e.level === 'error');
    expect(errors.map((e) => [e.msg, (e.obj as { reason: string }).reason])).toEqual([
      [
        "STATS_SOURCE=cgroup: cannot read this container's cgroup files; no stats for it",
        'its cgroup files cannot be read: EACCES reading memory.stat',
      ],
    ]);
  });
});
