import { type OperatorFunction, defer, mergeMap } from 'rxjs';
import type { ContainerRef } from '../collect/engineCodecs.js';
import type { DecodedStats } from '../validate/decodeStats.js';
import type { StatsRecord } from '../validate/statsCodec.js';
import { type DeviceNamer, blockioFields } from './blockio.js';
import { type PreviousSample, cpuFields } from './cpu.js';
import { memoryFields } from './memory.js';
import { networkFields } from './network.js';
import type { Fields, Point } from './point.js';
import { parseInstant, toNanoString } from './timestamp.js';

export interface ToPointsOptions {
  /** Names block devices; default `major:minor`. The daemon resolves /sys/dev/block on the engine's host. */
  readonly deviceName?: DeviceNamer;
  /** Tags added to every point (e.g. `host`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** How long the previous sample of a container that sends nothing more is kept, in ms of record time. */
  readonly forgetAfterMs?: number;
}

/**
 * Keeps each container's previous sample: the CPU base when the engine sends none (first
 * record of a stream, every one-shot record). Samples of containers that stopped sending are
 * forgotten after `forgetAfterMs`, so container churn does not grow it for ever.
 */
export class SampleMemory {
  private readonly samples = new Map<string, PreviousSample>();
  private sinceSweep = 0;
  constructor(private readonly forgetAfterMs = 10 * 60_000) {}

  get size(): number {
    return this.samples.size;
  }

  /** The previous sample of `id`, replaced by `next`. */
  swap(id: string, next: PreviousSample): PreviousSample | undefined {
    const previous = this.samples.get(id);
    this.samples.set(id, next);
    if (++this.sinceSweep >= 4096) this.sweep(next.read.seconds);
    return previous;
  }

  private sweep(nowSeconds: number): void {
    this.sinceSweep = 0;
    const oldest = nowSeconds - this.forgetAfterMs / 1000;
    for (const [id, sample] of this.samples) if (sample.read.seconds < oldest) this.samples.delete(id);
  }
}

/**
 * The points of one record: `cpu`, `memory`, one `network` per interface, one `blockio` per
 * device, each tagged with the container and stamped with the record's `read` in ns. A record
 * with a zero (or pre-1970) `read` yields none.
 */
export function recordPoints(container: ContainerRef, stats: StatsRecord, memory: SampleMemory, options: ToPointsOptions = {}): Point[] {
  const read = parseInstant(stats.read);
  if (!read || read.seconds <= 0) return [];
  const preread = stats.preread === undefined ? undefined : parseInstant(stats.preread);
  const previous = memory.swap(container.id, { cpu: stats.cpu_stats, read });
  const timestamp = toNanoString(read);
  const tags = { ...options.tags, container_id: container.id, container_name: container.name };
  const points: Point[] = [];
  const push = (measurement: string, fields: Fields | undefined, extra?: Record<string, string>): void => {
    if (fields) points.push({ measurement, tags: extra ? { ...tags, ...extra } : tags, fields, timestamp });
  };
  const windows = (stats.num_procs ?? 0) > 0;
  push('cpu', cpuFields(stats, read, previous, preread));
  push('memory', memoryFields(stats.memory_stats, windows));
  for (const [name, fields] of networkFields(stats.networks)) push('network', fields, { interface: name });
  for (const [device, fields] of blockioFields(stats, options.deviceName)) push('blockio', fields, { device });
  return points;
}

/**
 * Transform: each decoded record to its points, in order.
 *
 * ```
 * source: --r1------r2-------|        (r1: a container's first record: no CPU base yet)
 * result: --(mn)----(cmn)----|        (c: cpu, m: memory, n: network eth0)
 * ```
 */
export function toPoints(options: ToPointsOptions = {}): OperatorFunction<DecodedStats, Point> {
  return (source) =>
    defer(() => {
      const memory = new SampleMemory(options.forgetAfterMs); // one per subscription
      return source.pipe(mergeMap(({ container, stats }) => recordPoints(container, stats, memory, options)));
    });
}
