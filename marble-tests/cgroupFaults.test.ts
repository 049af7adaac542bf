import { rmSync } from 'node:fs';
import { type Observable, catchError, map, of } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, it } from 'vitest';
import type { ContainerSample } from '../src/model/containerSample.js';
import type { CgroupTarget } from '../src/sources/cgroup/cgroupSample.js';
import { type CgroupSampler, cgroupSampler } from '../src/sources/cgroup/cgroupSampler.js';
import { hostFiles } from '../src/sources/cgroup/hostFiles.js';
import { FakeHost } from '../test/support/fakeCgroupTree.js';
import { FileTable, breakFile } from '../test/support/fileFaults.js';
import { testScheduler } from './testScheduler.js';

type RunHelpers = Parameters<Parameters<TestScheduler['run']>[0]>[0];

/** Two cgroup v2 containers, `a` and `b`, in a fake tree on disk (real files, real errors). */
function twoContainers(): { host: FakeHost; dir: (id: string) => string; target: (id: string) => CgroupTarget } {
  const host = new FakeHost();
  const dir = (id: string): string => `${host.cgroup}/system.slice/docker-${id}.scope`;
  host.write(`${host.cgroup}/cgroup.controllers`, 'cpu io memory pids\n');
  for (const id of ['a', 'b']) host.v2Container(dir(id), { usageUsec: 1, memory: 100, inactiveFile: 0, pids: 1 });
  const container = (id: string) => ({ id, name: id, image: 'local/busybox', labels: {} });
  const target = (id: string): CgroupTarget => ({
    id,
    container: container(id),
    pid: 1,
    layout: { version: 2, dir: dir(id) },
    networks: false,
  });
  return { host, dir, target };
}

/** Each record as `r`; the error that ends the stream as its reason (`CgroupReadFailed`), or as `raw <error>`. */
const shown = (records$: Observable<ContainerSample>): Observable<string> =>
  records$.pipe(
    map(() => 'r'),
    catchError((error: unknown) => of((error as { reason?: string }).reason ?? `raw ${String(error)}`)),
  );

/**
 * `body` in virtual time with this process's file table to fill (`FileTable`), and a sampler of
 * two containers that keeps one file open (/proc/stat): the containers' files are opened at each
 * read, as they are past the budget of open files, where EMFILE can strike.
 */
function withFileTable(
  body: (helpers: RunHelpers, sampler: CgroupSampler, target: (id: string) => CgroupTarget, table: FileTable) => void,
): void {
  const { host, target } = twoContainers();
  const table = new FileTable();
  try {
    testScheduler().run((helpers) =>
      body(helpers, cgroupSampler(hostFiles(host.proc, 1), { intervalMs: 10 }), target, table),
    );
  } finally {
    table.restore();
  }
}

/** `n` records, one each 10 ms tick from 10 ms. */
const everyTick = (n: number): string => `10ms ${Array.from({ length: n }, () => 'r').join(' 9ms ')}`;

describe('cgroupSampler: read errors other than a container that is gone', () => {
  it('retries a read that fails (EISDIR, for real) after 1 then 2 ticks, and reads on once it passes; the other container is read at every tick', () => {
    const { host, dir, target } = twoContainers();
    const memoryStat = `${dir('a')}/memory.stat`;
    breakFile(memoryStat, 'EISDIR');
    testScheduler().run(({ expectObservable, cold }) => {
      const sampler = cgroupSampler(hostFiles(host.proc), { intervalMs: 10 });
      cold('25ms x').subscribe(() => {
        rmSync(memoryStat, { recursive: true });
        host.write(memoryStat, 'anon 1\n');
      });
      // fails at 10 and 20, waits out 30, reads at 40
      expectObservable(shown(sampler.watch(target('a'))), '^ 55ms !').toBe('40ms r 9ms r');
      expectObservable(shown(sampler.watch(target('b'))), '^ 55ms !').toBe(everyTick(5));
    });
  });

  it('EMFILE (this process’s file table full, for real) is retried, and the containers read on once files close', () => {
    withFileTable(({ expectObservable, cold }, sampler, target, table) => {
      cold('15ms x').subscribe(() => table.fill());
      cold('25ms x').subscribe(() => table.release());
      expectObservable(shown(sampler.watch(target('a'))), '^ 45ms !').toBe('10ms r 19ms r 9ms r');
      expectObservable(shown(sampler.watch(target('b'))), '^ 45ms !').toBe('10ms r 19ms r 9ms r');
    });
  });

  it('a fault that lasts (EISDIR, EACCES, EMFILE): after 4 retries (1, 2, 4, 8 ticks) the stream fails naming the error and the file', () => {
    for (const fault of ['EISDIR', 'EACCES'] as const) {
      const { host, dir, target } = twoContainers();
      breakFile(`${dir('a')}/memory.stat`, fault);
      testScheduler().run(({ expectObservable }) => {
        const sampler = cgroupSampler(hostFiles(host.proc), { intervalMs: 10 });
        // tries at 10, 20, 40, 80 and 160 ms
        expectObservable(shown(sampler.watch(target('a'))), '^ 165ms !').toBe('160ms (f|)', {
          f: `${fault} reading memory.stat`,
        });
        expectObservable(shown(sampler.watch(target('b'))), '^ 165ms !').toBe(everyTick(16));
      });
    }
    withFileTable(({ expectObservable, cold }, sampler, target, table) => {
      cold('15ms x').subscribe(() => table.fill());
      // tries at 20, 30, 50, 90 and 170 ms
      expectObservable(shown(sampler.watch(target('a'))), '^ 175ms !').toBe('10ms r 159ms (f|)', {
        r: 'r',
        f: 'EMFILE reading cpu.stat',
      });
    });
  });

  it('a failure of /proc/stat (HOST_PROC) is retried the same way, and never taken for a container that is gone', () => {
    const { host, target } = twoContainers();
    rmSync(`${host.proc}/stat`);
    testScheduler().run(({ expectObservable }) => {
      const sampler = cgroupSampler(hostFiles(host.proc), { intervalMs: 10 });
      expectObservable(shown(sampler.watch(target('a'))), '^ 165ms !').toBe('160ms (f|)', {
        f: `ENOENT reading ${host.proc}/stat (HOST_PROC)`,
      });
    });
  });
});
