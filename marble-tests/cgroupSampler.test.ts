import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ContainerSample } from '../src/model/containerSample.js';
import { instantOfMs, parseInstant } from '../src/model/timestamp.js';
import type { CgroupTarget, HostView } from '../src/sources/cgroup/cgroupSample.js';
import { cgroupSampler } from '../src/sources/cgroup/cgroupSampler.js';
import { readingOpener } from '../src/sources/cgroup/containerFiles.js';
import { testScheduler } from './testScheduler.js';

/** A host of files in memory: a cgroup v2 container per id, whose CPU counter is its number of reads. */
function memoryHost(ids: string[]): HostView & { files: Map<string, string>; reads: string[] } {
  const files = new Map<string, string>([['/proc/stat', 'cpu  1 0 1 1 0 0 0 0\ncpu0 1 0 1 1 0 0 0 0\n']]);
  const reads: string[] = [];
  for (const id of ids) {
    for (const [name, text] of Object.entries({
      'memory.current': '10',
      'memory.max': 'max',
      'memory.stat': 'anon 1',
      'pids.current': '1',
      'pids.max': 'max',
      'io.stat': '',
    })) {
      files.set(`/cg/${id}/${name}`, text);
    }
  }
  return {
    proc: '/proc',
    memTotal: 100,
    files,
    reads,
    open(dir, name) {
      return readingOpener((p) => this.readFile(p)).open(dir, name);
    },
    readFile(path) {
      const text = path.endsWith('cpu.stat')
        ? `usage_usec ${reads.filter((r) => r === path).length}\n`
        : files.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
  };
}

const target = (id: string): CgroupTarget => ({
  id,
  container: { id, name: id, image: 'local/busybox', labels: {} },
  pid: 1,
  layout: { version: 2, dir: `/cg/${id}` },
  networks: false,
});
// A record as `<container>:<cpu µs>`, its read count at this tick.
const short = (id: string) => map((r: ContainerSample) => `${id}:${(r.cpu?.usageNs ?? 0) / 1000}`);

function tracked(host: ReturnType<typeof memoryHost>): ReturnType<typeof memoryHost> {
  const read = host.readFile.bind(host);
  host.readFile = (path) => {
    if (path.endsWith('cpu.stat')) host.reads.push(path);
    return read(path);
  };
  return host;
}

describe('cgroupSampler: one timer for every container', () => {
  it('reads every watched container each interval, starting a new one at the next tick', () => {
    testScheduler().run(({ expectObservable }) => {
      const host = tracked(memoryHost(['a', 'b']));
      const sampler = cgroupSampler(host, { intervalMs: 10 });
      expectObservable(sampler.watch(target('a')).pipe(short('a')), '^ 35ms !').toBe('10ms 0 9ms 1 9ms 2', {
        0: 'a:1',
        1: 'a:2',
        2: 'a:3',
      });
      expectObservable(sampler.watch(target('b')).pipe(short('b')), '15ms ^ 20ms !').toBe('20ms 0 9ms 1', {
        0: 'b:1',
        1: 'b:2',
      });
    });
  });

  it('reads sliceSize containers at a time, letting other work run between slices', () => {
    const order: string[] = [];
    testScheduler().run(({ cold }) => {
      const host = memoryHost(['a', 'b']);
      const sampler = cgroupSampler(host, { intervalMs: 10, sliceSize: 1 });
      const a = sampler.watch(target('a')).subscribe(() => order.push('a'));
      const b = sampler.watch(target('b')).subscribe(() => order.push('b'));
      cold('10ms x|').subscribe(() => order.push('other work due at the same time'));
      cold('15ms x|').subscribe(() => [a, b].forEach((s) => s.unsubscribe())); // and the timer stops with the last watcher
    });
    expect(order).toEqual(['a', 'other work due at the same time', 'b']);
  });

  it('when a round takes longer than the interval, starts the next as soon as it ends, never two at once', () => {
    testScheduler().run(({ expectObservable }) => {
      const host = memoryHost(['a', 'b', 'c']);
      // slices of one, 4 ms apart: a round of three takes 8 ms, more than the 5 ms interval
      const sampler = cgroupSampler(host, { intervalMs: 5, sliceSize: 1, sliceGapMs: 4 });
      const unsub = '^ 26ms !';
      expectObservable(sampler.watch(target('a')).pipe(short('a')), unsub).toBe('5ms x 7ms x 7ms x', { x: 'a:0' });
      expectObservable(sampler.watch(target('b')).pipe(short('b')), unsub).toBe('9ms x 7ms x 7ms x', { x: 'b:0' });
      expectObservable(sampler.watch(target('c')).pipe(short('c')), unsub).toBe('13ms x 7ms x', { x: 'c:0' });
    });
  });

  it('completes a container’s records once its files are gone, and keeps reading the others', () => {
    testScheduler().run(({ expectObservable, cold }) => {
      const host = memoryHost(['a', 'b']);
      const sampler = cgroupSampler(host, { intervalMs: 10 });
      cold('15ms x').subscribe(() => host.files.delete('/cg/a/memory.current'));
      expectObservable(sampler.watch(target('a')).pipe(short('a')), '^ 35ms !').toBe('10ms x 9ms |', { x: 'a:0' });
      expectObservable(sampler.watch(target('b')).pipe(short('b')), '^ 35ms !').toBe('10ms x 9ms x 9ms x', {
        x: 'b:0',
      });
    });
  });

  it('skips ticks while paused', () => {
    testScheduler().run(({ expectObservable, hot }) => {
      const paused$ = hot('f 14ms t 14ms f', { t: true, f: false });
      const host = memoryHost(['a']);
      const sampler = cgroupSampler(host, { intervalMs: 10, paused$ });
      expectObservable(sampler.watch(target('a')).pipe(short('a')), '^ 45ms !').toBe('10ms x 19ms x 9ms x', {
        x: 'a:0',
      });
    });
  });

  it('gives the time to the nanosecond, from a clock with a fraction of a millisecond', () => {
    const at = (text: string) => parseInstant(text)!;
    expect(instantOfMs(Date.UTC(2026, 10, 27, 14, 0, 0, 123) + 0.5)).toEqual(at('2026-11-27T14:00:00.123500000Z')); // a double holds today's ms to about 0.25 µs
    expect(instantOfMs(0)).toEqual(at('1970-01-01T00:00:00.000000000Z'));
  });
});
