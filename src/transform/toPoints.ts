import { type OperatorFunction, defer, mergeMap } from 'rxjs';
import type { ContainerRef } from '../model/container.js';
import type { DeviceNamer } from '../model/device.js';
import type { Fields, Point } from '../model/point.js';
import type { DecodedStats } from '../model/records.js';
import { isPodman, isWindows } from '../model/statsRecord.js';
import { type TelemetrySink, noTelemetry } from '../model/telemetry.js';
import { parseInstant, toNanoString } from '../model/timestamp.js';
import { blockioFields } from './blockio.js';
import { cpuBase, cpuFields } from './cpu.js';
import { withLimit } from './cpuLimit.js';
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
  /** A container's own tags (`container_id`, `container_name`, `image`, labels): `containerTagger`. */
  readonly containerTags?: (container: ContainerRef) => Record<string, string>;
  /** Field selection (`fieldChooser`): applied before the points are counted and encoded. */
  readonly select?: ((point: Point) => Point | undefined) | undefined;
  /** Told `record-transformed` with the number of points of each record. */
  readonly telemetry?: TelemetrySink;
}

/**
 * The points of one record: `cpu`, `memory`, one `network` per interface, one `blockio` per
 * device, each tagged with the container and stamped with the record's `read` in ns. A record
 * with a zero (or pre-1970) `read` yields none.
 */
export function recordPoints(
  { container, stats, cpuLimit }: DecodedStats,
  memory: SampleMemory,
  options: ToPointsOptions = {},
): Point[] {
  const read = parseInstant(stats.read);
  if (!read || read.seconds <= 0) return [];
  const windows = isWindows(stats);
  const podman = isPodman(stats);
  // Only Windows' and Podman's formulas need preread (Docker's on Linux uses system_cpu_usage).
  const preread = (windows || podman) && stats.preread !== undefined ? parseInstant(stats.preread) : undefined;
  const entry = memory.entry(container);
  const previous = memory.swap(entry, { cpu: cpuBase(stats.cpu_stats), read });
  const timestamp = toNanoString(read);
  const points: Point[] = [];
  const { select } = options;
  const push = (measurement: string, fields: Fields | undefined, tags = entry.tags): void => {
    if (!fields) return;
    const point = select ? select({ measurement, tags, fields, timestamp }) : { measurement, tags, fields, timestamp };
    if (point) points.push(point);
  };
  push('cpu', withLimit(cpuFields(stats, read, previous, preread), stats, cpuLimit));
  push('memory', memoryFields(stats.memory_stats, windows));
  for (const [name, fields] of networkFields(stats.networks, podman))
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
      // one per subscription
      const memory = new SampleMemory(options.forgetAfterMs, options.tags, options.containerTags);
      return source.pipe(
        mergeMap((record) => {
          const points = recordPoints(record, memory, options);
          telemetry.next({ type: 'record-transformed', points: points.length });
          return points;
        }),
      );
    });
}
