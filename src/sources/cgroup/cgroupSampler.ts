import { Observable, type SchedulerLike, type Subscriber, type Subscription, asyncScheduler, interval, of } from 'rxjs';
import type { ContainerSample, PreviousCpu } from '../../model/containerSample.js';
import { instantOfMs } from '../../model/timestamp.js';
import { type CgroupTarget, type HostView, readSample } from './cgroupSample.js';
import { ContainerFiles, type FileHandle } from './containerFiles.js';
import { type SystemCpu, parseProcStat } from './cgroupText.js';
import { CgroupReadFailed, READ_RETRIES, isGone, retryAfterTicks } from './readFaults.js';

export interface SamplerOptions {
  /** Every this many ms all watched containers are read (SAMPLE_INTERVAL_MS). */
  readonly intervalMs: number;
  /** Containers read before the event loop gets a turn, and /proc/stat is read again. */
  readonly sliceSize?: number;
  /** How long the turn between slices is, in ms; default 0 (the next turn of the event loop). */
  readonly sliceGapMs?: number;
  /** While true, ticks are skipped (the buffer's `block` policy). */
  readonly paused$?: Observable<boolean>;
  /** Wall-clock ms (a fraction for the sub-ms digits) for the samples' time; default the scheduler's now. */
  readonly clock?: () => number;
}

/** Containers read per slice by default: about a millisecond of work on a 2-core machine. */
export const DEFAULT_SLICE_SIZE = 100;

export interface CgroupSampler {
  /**
   * One container's samples, read on the shared tick; completes once the container is gone, and
   * fails with `CgroupReadFailed` once its files have failed to read `READ_RETRIES` + 1 times in a row.
   */
  watch(target: CgroupTarget): Observable<ContainerSample>;
}

interface Watcher {
  readonly target: CgroupTarget;
  readonly subscriber: Subscriber<ContainerSample>;
  readonly files: ContainerFiles;
  previous?: PreviousCpu;
  /** Failed samples in a row, and the ticks to let pass before the next try. */
  failures: number;
  wait: number;
}

/**
 * The cgroup source's one timer for all containers of an engine: every `intervalMs` it reads
 * every watched container, `sliceSize` at a time with a turn of the event loop between slices
 * (thousands of containers never block it for long), and /proc/stat again for each slice, so
 * that `system_cpu_usage` is read close to the containers' own counters as the engine reads it.
 * A tick that comes while the last round is still reading starts the next round as soon as that
 * one ends (an overloaded host is read as fast as it can be, never twice at once). Each container's Observable
 * completes when its files are gone (ENOENT: the container stopped). A read that fails otherwise
 * (EMFILE, EACCES, EIO...) is tried again after 1, 2, 4 and 8 ticks, that container alone; after
 * that it errors (`CgroupReadFailed`, naming the error and the file).
 *
 * Why not `interval` shared by one `map` per container: a shared tick calls every subscriber in
 * one go, which for 10,000 containers is one long block of the event loop, and RxJS has no
 * operator that spreads one timer's work over separately subscribed Observables.
 *
 * ```
 * tick:      |----intervalMs----|----intervalMs----|
 * slices:    [s1][s2][s3]       [s1][s2][s3]          (sliceSize containers each, a turn between)
 * watch(a):  --r-----------------r--------|           (| once a's files are gone)
 * ```
 */
export function cgroupSampler(
  host: HostView,
  options: SamplerOptions,
  scheduler: SchedulerLike = asyncScheduler,
): CgroupSampler {
  const sliceSize = options.sliceSize ?? DEFAULT_SLICE_SIZE;
  const clock = options.clock ?? (() => scheduler.now());
  const watchers = new Set<Watcher>();
  let procStat: FileHandle | undefined;
  let running: Subscription | undefined;
  let reading = false;
  let overdue = false;
  let paused = false;

  /** A failed sample: gone ends the stream quietly (never so for /proc/stat, the host's); else retry, or fail. */
  const failed = (watcher: Watcher, error: unknown, hostFile?: string): void => {
    if (hostFile === undefined && isGone(error)) return watcher.subscriber.complete();
    watcher.failures++;
    if (watcher.failures > READ_RETRIES)
      return watcher.subscriber.error(new CgroupReadFailed(error, watcher.failures, hostFile));
    watcher.wait = retryAfterTicks(watcher.failures) - 1;
  };

  const sampleOne = (watcher: Watcher, system: SystemCpu | undefined, systemError: unknown): void => {
    if (!watchers.has(watcher)) return; // unsubscribed since the tick began
    if (watcher.wait > 0) return void watcher.wait--; // backing off after a failed read
    if (!system) return failed(watcher, systemError, `${host.proc}/stat (HOST_PROC)`);
    try {
      const at = instantOfMs(clock());
      const sample = readSample(watcher.target, host, system, at, watcher.previous, watcher.files);
      watcher.previous = sample.cpu && { at, cpu: sample.cpu };
      watcher.failures = 0;
      watcher.subscriber.next(sample);
    } catch (error) {
      failed(watcher, error);
    }
  };

  const readSlice = (batch: readonly Watcher[], from: number): void => {
    const end = Math.min(batch.length, from + sliceSize);
    let system: SystemCpu | undefined;
    let systemError: unknown;
    try {
      system = parseProcStat((procStat ??= host.open(host.proc, 'stat')).text());
      if (!system) systemError = new Error('not a /proc/stat (no cpu line)');
    } catch (error) {
      systemError = error;
    }
    for (let i = from; i < end; i++) sampleOne(batch[i]!, system, systemError);
    if (end < batch.length) scheduler.schedule(() => readSlice(batch, end), options.sliceGapMs ?? 0);
    else {
      reading = false;
      if (overdue) tick(); // overloaded: the next round at once, rather than an interval later
    }
  };

  const tick = (): void => {
    overdue = reading;
    if (reading || paused || watchers.size === 0) return;
    reading = true;
    readSlice([...watchers], 0);
  };

  const start = (): Subscription => {
    const loop = interval(options.intervalMs, scheduler).subscribe(tick);
    loop.add((options.paused$ ?? of(false)).subscribe((p) => (paused = p)));
    return loop;
  };

  return {
    watch: (target) =>
      new Observable<ContainerSample>((subscriber) => {
        const watcher: Watcher = { target, subscriber, files: new ContainerFiles(host), failures: 0, wait: 0 };
        watchers.add(watcher);
        running ??= start();
        return () => {
          watchers.delete(watcher);
          watcher.files.close();
          if (watchers.size === 0) {
            procStat?.close();
            procStat = undefined;
            running?.unsubscribe();
            running = undefined;
            reading = false;
          }
        };
      }),
  };
}
