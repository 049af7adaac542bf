import { type OperatorFunction, defer, mergeMap } from 'rxjs';
import type { ContainerRef } from '../collect/engineCodecs.js';
import type { DecodedStats } from '../validate/decodeStats.js';
import { type StatsRecord, isWindows } from '../validate/statsCodec.js';
import { type DeviceNamer, blockioFields } from './blockio.js';
import { type PreviousSample, cpuBase, cpuFields } from './cpu.js';
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

interface ContainerEntry {
  previous: PreviousSample | undefined;
  readonly name: string;
  /** The container's tag set, and one per interface or device: the same objects every record. */
  readonly tags: Readonly<Record<string, string>>;
  readonly extraTags: Map<string, Readonly<Record<string, string>>>;
}

/**
 * What toPoints keeps per container: the previous sample (the CPU base when the engine sends
 * none: a stream's first record, every one-shot record) and the tag objects its points share,
 * so that the line-protocol serializer escapes each tag set once. Containers that stopped
 * sending are forgotten after `forgetAfterMs`, so container churn does not grow it for ever.
 */
export class SampleMemory {
  private readonly containers = new Map<string, ContainerEntry>();
  private sinceSweep = 0;
  constructor(
    private readonly forgetAfterMs = 10 * 60_000,
    private readonly extraTags: Readonly<Record<string, string>> = {},
  ) {}

  get size(): number {
    return this.containers.size;
  }

  /** The entry of a container, made anew when it is new or was renamed. */
  entry(container: ContainerRef): ContainerEntry {
    let entry = this.containers.get(container.id);
    if (!entry || entry.name !== container.name) {
      const tags = { ...this.extraTags, container_id: container.id, container_name: container.name };
      entry = { previous: entry?.previous, name: container.name, tags, extraTags: new Map() };
      this.containers.set(container.id, entry);
    }
    return entry;
  }

  /** The previous sample of the container, replaced by `next`. */
  swap(entry: ContainerEntry, next: PreviousSample): PreviousSample | undefined {
    const previous = entry.previous;
    entry.previous = next;
    if (++this.sinceSweep >= 4096) this.sweep(next.read.seconds);
    return previous;
  }

  private sweep(nowSeconds: number): void {
    this.sinceSweep = 0;
    const oldest = nowSeconds - this.forgetAfterMs / 1000;
    for (const [id, entry] of this.containers) if (!entry.previous || entry.previous.read.seconds < oldest) this.containers.delete(id);
  }
}

function tagsWith(entry: ContainerEntry, key: string, value: string): Readonly<Record<string, string>> {
  const id = `${key}=${value}`;
  let tags = entry.extraTags.get(id);
  if (!tags) entry.extraTags.set(id, (tags = { ...entry.tags, [key]: value }));
  return tags;
}

/**
 * The points of one record: `cpu`, `memory`, one `network` per interface, one `blockio` per
 * device, each tagged with the container and stamped with the record's `read` in ns. A record
 * with a zero (or pre-1970) `read` yields none.
 */
export function recordPoints(container: ContainerRef, stats: StatsRecord, memory: SampleMemory, options: ToPointsOptions = {}): Point[] {
  const read = parseInstant(stats.read);
  if (!read || read.seconds <= 0) return [];
  const windows = isWindows(stats);
  // Only Windows' formula needs preread (Linux's uses system_cpu_usage).
  const preread = windows && stats.preread !== undefined ? parseInstant(stats.preread) : undefined;
  const entry = memory.entry(container);
  const previous = memory.swap(entry, { cpu: cpuBase(stats.cpu_stats), read });
  const timestamp = toNanoString(read);
  const points: Point[] = [];
  const push = (measurement: string, fields: Fields | undefined, tags = entry.tags): void => {
    if (fields) points.push({ measurement, tags, fields, timestamp });
  };
  push('cpu', cpuFields(stats, read, previous, preread));
  push('memory', memoryFields(stats.memory_stats, windows));
  for (const [name, fields] of networkFields(stats.networks)) push('network', fields, tagsWith(entry, 'interface', name));
  for (const [device, fields] of blockioFields(stats, options.deviceName)) push('blockio', fields, tagsWith(entry, 'device', device));
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
      const memory = new SampleMemory(options.forgetAfterMs, options.tags); // one per subscription
      return source.pipe(mergeMap(({ container, stats }) => recordPoints(container, stats, memory, options)));
    });
}
