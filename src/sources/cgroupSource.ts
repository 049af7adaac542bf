import { readFileSync } from 'node:fs';
import { EMPTY, type Observable, type SchedulerLike, asyncScheduler, catchError, defer, map, switchMap } from 'rxjs';
import type { ContainerRef } from '../model/container.js';
import type { ContainerSample } from '../model/containerSample.js';
import { silentLogger } from '../model/logger.js';
import type { RawRecord } from '../model/records.js';
import { noTelemetry } from '../model/telemetry.js';
import { concurrencyGate } from '../rx/concurrencyGate.js';
import { type RetryNotice, retryBackoff, statusOf } from '../rx/retryBackoff.js';
import { decodeStats } from '../validate/decodeStats.js';
import { type AllStatsOptions, sharedPolling } from './apiSource.js';
import { CgroupUnreadable, parseProcCgroup, resolveLayout } from './cgroup/cgroupPaths.js';
import type { CgroupTarget, HostView } from './cgroup/cgroupSample.js';
import { cgroupSampler } from './cgroup/cgroupSampler.js';
import { hostFiles, pathExists } from './cgroup/hostFiles.js';
import { CgroupReadFailed } from './cgroup/readFaults.js';
import { rawStats$ } from './engine/rawStats.js';
import { containers$ } from './engine/containers.js';
import { type Engine, engineIsLocal } from './engine/engine.js';
import type { InspectedContainer } from './engine/engineCodecs.js';
import { InspectUndecodable, inspect$, inspectWillNotChange } from './engine/inspect.js';
import type { StatsSource } from './statsSource.js';
import { reportStream, watchContainers } from './watchContainers.js';

export interface CgroupSourceOptions extends AllStatsOptions {
  /** `auto`: the cgroup files where they can be read, else the Engine API for that container; `cgroup`: only them. */
  readonly choice: 'auto' | 'cgroup';
  /** ms between reads of every container's files (SAMPLE_INTERVAL_MS). */
  readonly sampleIntervalMs?: number;
  /** HOST_PROC and HOST_CGROUP: the host's /proc and /sys/fs/cgroup, as mounted for the collector. */
  readonly hostProc?: string;
  readonly hostCgroup?: string;
  /** Wall-clock ms for the samples' time (default: the scheduler's now). */
  readonly clock?: () => number;
  /** While true, ticks are skipped (the buffer's `block` policy); `paused$` is for the API's streams. */
  readonly pressure$?: Observable<boolean>;
}

/** Inspect requests under way at once, per engine. */
export const MAX_CONCURRENT_INSPECTS = 32;

/** A container not running has no stats to read: its stream ends at once, as the engine's zeroed records end it. */
class NotRunning extends Error {}

/** Where a container's files are, from the engine's inspect and its init process's /proc/<pid>/cgroup. */
function targetOf(info: InspectedContainer, container: ContainerRef, host: HostView, cgroupRoot: string): CgroupTarget {
  const { id } = container;
  if (!info.State.Running || info.State.Pid <= 0) throw new NotRunning();
  let text: string;
  try {
    text = readFileSync(`${host.proc}/${info.State.Pid}/cgroup`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotRunning(); // it just stopped
    throw new CgroupUnreadable(
      `cannot read ${host.proc}/${info.State.Pid}/cgroup (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  const layout = resolveLayout(parseProcCgroup(text), id, cgroupRoot, pathExists);
  const blkioCfq =
    layout.version === 1 &&
    layout.dirs.blkio !== undefined &&
    pathExists(`${layout.dirs.blkio}/blkio.io_serviced_recursive`);
  return { id, container, pid: info.State.Pid, layout, networks: info.HostConfig.NetworkMode !== 'host', blkioCfq };
}

/**
 * The cgroup source: discovery and the containers' lifecycle from the engine, as for the API
 * source, but each container's stats read from the kernel's files (`cgroupSampler`: one timer
 * for all, every `sampleIntervalMs`), as samples made from the files. The engine's own work is
 * one inspect per container. With `choice: 'auto'`, a container whose files cannot be read here
 * (a remote engine, another pid or cgroup namespace, files not mounted, or reads that keep failing
 * with EMFILE, EACCES... after the sampler's retries, or an inspect answer that does not decode)
 * is read through the Engine API instead; with `cgroup`, its stream ends. Each reason is logged
 * once per engine; the others go on. Any other failure (an inspect that failed after its
 * retries, an unexpected error) is tried again with backoff, said once, `CGROUP_RETRIES` times
 * (a minute at most) before it moves the container to the API too.
 *
 * ```
 * discovery: -a----b----------r(a)--
 * a:          (inspect) c---c---c--|     (c: a sample read from a's cgroup files)
 * b:               (inspect: remote) r-r-r-r   (r: a record from the Engine API, in auto)
 * d:                       (inspect: 500 x5)(wait)(inspect) c---c--
 * e:                       (inspect: 500 x5)(wait)...(4th time) r-r-r   (a minute at most)
 * ```
 */
export function cgroupSource(options: CgroupSourceOptions, scheduler: SchedulerLike = asyncScheduler): StatsSource {
  const log = options.log ?? silentLogger;
  const telemetry = options.telemetry ?? noTelemetry;
  const proc = options.hostProc ?? '/proc';
  const cgroupRoot = options.hostCgroup ?? '/sys/fs/cgroup';
  const decode = decodeStats({ log, telemetry });
  return {
    name: options.choice,
    stats$: (engine: Engine): Observable<ContainerSample> =>
      defer(() => {
        const host = hostFiles(proc);
        const sampler = cgroupSampler(
          host,
          { intervalMs: options.sampleIntervalMs ?? 1000, ...samplerOptions(options) },
          scheduler,
        );
        const apiOptions = sharedPolling(options, scheduler);
        // Thousands of containers listed at once would otherwise be as many inspects, and sockets, at once.
        const inspectGate = concurrencyGate(MAX_CONCURRENT_INSPECTS);
        const said = new Set<string>(); // what was logged for this engine
        const sayOnce = (key: string, say: () => void): void => {
          if (said.has(key)) return;
          said.add(key);
          say();
        };
        const local = engineIsLocal(engine.address);
        const api = (container: ContainerRef, reason: string, error?: string): Observable<string | ContainerSample> => {
          const said = { engine: engine.address, container: container.name, reason, ...(error ? { error } : {}) };
          if (options.choice === 'cgroup') {
            sayOnce(`strict:${reason}`, () =>
              log.error(said, "STATS_SOURCE=cgroup: cannot read this container's cgroup files; no stats for it"),
            );
            return EMPTY;
          }
          sayOnce(reason, () =>
            log.warn(
              said,
              "reading this container's stats from the Engine API (each reason is logged once per engine)",
            ),
          );
          return reportStream(
            rawStats$(engine.docker, container.id, apiOptions, scheduler),
            telemetry,
            engine.address,
            'api',
            container,
          );
        };
        const cgroup = (container: ContainerRef): Observable<string | ContainerSample> => {
          let warned = false;
          const onRetry = ({ error, delayMs }: RetryNotice): void => {
            if (warned) return;
            warned = true;
            const said = { engine: engine.address, container: container.name, err: error, delayMs };
            log.warn(said, "cannot start reading this container's cgroup files; trying again with backoff");
          };
          return inspectGate(inspect$(engine, container.id, scheduler)).pipe(
            map((info) => targetOf(info, container, host, cgroupRoot)),
            switchMap((target) => {
              sayOnce('cgroup', () =>
                log.info(
                  { engine: engine.address, version: target.layout.version, hostCgroup: cgroupRoot, hostProc: proc },
                  'reading container stats from cgroup files',
                ),
              );
              return reportStream(sampler.watch(target), telemetry, engine.address, 'cgroup', container);
            }),
            // Files that cannot be read here, or an inspect answer that does not decode, move a
            // container to the API at once; a failed inspect (after its own retries) or an
            // unexpected error is tried again a few times first: a busy engine's 500 passes.
            retryBackoff(
              {
                baseMs: CGROUP_RETRY_BASE_MS,
                maxMs: CGROUP_RETRY_MAX_MS,
                maxRetries: CGROUP_RETRIES,
                classify: (e) => (settled(e) ? 'fail' : 'retry'),
                onRetry,
              },
              scheduler,
            ),
            catchError((error: unknown) => {
              if (error instanceof NotRunning || statusOf(error) === 404) return EMPTY;
              if (error instanceof CgroupReadFailed)
                return api(container, `its cgroup files cannot be read: ${error.reason}`, error.message);
              if (error instanceof CgroupUnreadable) return api(container, error.message);
              if (error instanceof InspectUndecodable)
                return api(container, "the engine's inspect answer does not decode", error.message);
              const failed = `starting to read its cgroup files failed ${CGROUP_RETRIES + 1} times`;
              return api(container, failed, error instanceof Error ? error.message : String(error));
            }),
          );
        };
        const streamOf = (container: ContainerRef): Observable<string | ContainerSample> =>
          local ? cgroup(container) : api(container, `the engine at ${engine.address} is not on this host`);
        const label = (container: ContainerRef, value: string | ContainerSample): RawRecord | ContainerSample =>
          typeof value === 'string' ? { container, line: value } : renamed(value, container);
        const watch = { ...options, engine: engine.address };
        const discovery$ = containers$(engine, options.filters, { log, scheduler });
        return watchContainers(discovery$, streamOf, label, watch, scheduler).pipe(decode);
      }),
  };
}

/** A sample with the container as it is now named: the sample itself until the container is renamed. */
const renamed = (sample: ContainerSample, container: ContainerRef): ContainerSample =>
  sample.container === container ? sample : { ...sample, container };

/**
 * Tries to start reading a container's files after an unexpected failure (an inspect that failed
 * its own retries), and the first and longest wait between them: waits below 10, 20 and 30 s, a
 * minute at most, before the container is read from the Engine API.
 */
export const CGROUP_RETRIES = 3;
export const CGROUP_RETRY_BASE_MS = 10_000;
export const CGROUP_RETRY_MAX_MS = 30_000;

/** What decides a container's source: it is gone, its files cannot be read here, its inspect will not decode. */
const settled = (error: unknown): boolean =>
  error instanceof NotRunning ||
  inspectWillNotChange(error) ||
  error instanceof CgroupReadFailed ||
  error instanceof CgroupUnreadable;

/** The sampler follows the buffer's pressure only: the API's read windows are for its streams. */
const samplerOptions = (o: CgroupSourceOptions) => ({
  ...(o.pressure$ ? { paused$: o.pressure$ } : {}),
  ...(o.clock ? { clock: o.clock } : {}),
});
