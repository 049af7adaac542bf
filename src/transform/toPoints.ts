import { type OperatorFunction, defer, mergeMap } from 'rxjs';
import type { ContainerRef } from '../model/container.js';
import type { DeviceNamer } from '../model/device.js';
import type { Fields, Point } from '../model/point.js';
import type { DecodedStats } from '../model/records.js';
import { type StatsRecord, isWindows } from '../model/statsRecord.js';
import { type TelemetrySink, noTelemetry } from '../model/telemetry.js';
import { parseInstant, toNanoString } from '../model/timestamp.js';
import { blockioFields } from './blockio.js';
import { cpuBase, cpuFields } from './cpu.js';
import { memoryFields } from './memory.js';
import { networkFields } from './network.js';
import { SampleMemory, tagsWith } from './sampleMemory.js';

export interface ToPointsOptions {
  /** Names block devices; default `major:minor`. The daemon resolves /sys/dev/block on the engine's host. */
  readonly deviceName?: DeviceNamer;
  /** Tags added to every point (e.g. `host`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** How long the previous sample of a container that sends nothing more is kept, in ms of record time. */
  readonly forgetAfterMs?: number;
  /** Told `record-transformed` with the number of points of each record. */
  readonly telemetry?: TelemetrySink;
}

/**
 * The points of one record: `cpu`, `memory`, one `network` per interface, one `blockio` per
 * device, each tagged with the container and stamped with the record's `read` in ns. A record
 * with a zero (or pre-1970) `read` yields none.
 */
export function recordPoints(
  container: ContainerRef,
  stats: StatsRecord,
  memory: SampleMemory,
  options: ToPointsOptions = {},
): Point[] {
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
  for (const [name, fields] of networkFields(stats.networks))
    push('network', fields, tagsWith(entry, 'interface', name));
  for (const [device, fields] of blockioFields(stats, options.deviceName))
    push('blockio', fields, tagsWith(entry, 'device', device));
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
  const telemetry = options.telemetry ?? noTelemetry;
  return (source) =>
    defer(() => {
      const memory = new SampleMemory(options.forgetAfterMs, options.tags); // one per subscription
      return source.pipe(
        mergeMap(({ container, stats }) => {
          const points = recordPoints(container, stats, memory, options);
          telemetry.next({ type: 'record-transformed', points: points.length });
          return points;
        }),
      );
    });
}
