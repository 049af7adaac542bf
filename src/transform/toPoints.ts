import { type OperatorFunction, defer } from 'rxjs';
import type { ContainerRef } from '../model/container.js';
import type { ContainerSample } from '../model/containerSample.js';
import type { DeviceNamer } from '../model/device.js';
import type { Limits } from '../model/lifecycle.js';
import type { Fields, Point } from '../model/point.js';
import { type TelemetrySink, noTelemetry } from '../model/telemetry.js';
import { toNanoString } from '../model/timestamp.js';
import { blockioFields } from './blockio.js';
import { addCpuCounters, addMemoryCounters } from './counters.js';
import { cpuBase, cpuFields } from './cpu.js';
import { eachOf } from './eachOf.js';
import { withLimit, withMemoryLimit } from './limits.js';
import { memoryFields } from './memory.js';
import { networkFields } from './network.js';
import { addPressure, ioPressureFields } from './pressure.js';
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
  /**
   * A container's limits, by its id, when known (from its inspect): for `cpu.limit_percent`,
   * `cpu.cfs_quota_us`, `memory.spec_limit_bytes`. Looked up per sample, so that joining them
   * costs no object per sample.
   */
  readonly limitsOf?: (containerId: string) => Limits | undefined;
  /** Also the cumulative counters (`addCpuCounters`, `addMemoryCounters`): EXPOSE_CONTAINER_METRICS. */
  readonly counters?: boolean;
}

/**
 * The points of one sample: `cpu`, `memory`, one `network` per interface, one `blockio` per
 * device, and one `blockio` with no device for its io pressure (PSI), each tagged with the
 * container and stamped with the sample's time in ns. A sample at or before the epoch (the
 * engine's zeroed record of a stopped container) yields none.
 */
export function samplePoints(sample: ContainerSample, memory: SampleMemory, options: ToPointsOptions = {}): Point[] {
  const { container, at } = sample;
  if (at.seconds <= 0) return [];
  const entry = memory.entry(container);
  const previous = memory.swap(entry, sample.cpu && { at, cpu: cpuBase(sample.cpu) }, at.seconds);
  const timestamp = toNanoString(at);
  const points: Point[] = [];
  const { select, limitsOf, counters } = options;
  const limits = limitsOf?.(container.id);
  const push = (measurement: string, fields: Fields | undefined, tags = entry.tags): void => {
    if (!fields) return;
    const point = select ? select({ measurement, tags, fields, timestamp }) : { measurement, tags, fields, timestamp };
    if (point) points.push(point);
  };
  const { pressure } = sample;
  const cpuNow = cpuFields(sample, previous);
  const cpu = counters && cpuNow ? addCpuCounters(cpuNow, sample.cpu) : cpuNow;
  const cpuPoint = limits ? withLimit(cpu, sample, limits) : cpu;
  push('cpu', pressure && cpuPoint ? addPressure(cpuPoint, pressure.cpu) : cpuPoint);
  const memNow = memoryFields(sample.memory);
  const memCounted = counters && memNow ? addMemoryCounters(memNow, sample.memory) : memNow;
  const mem = limits ? withMemoryLimit(memCounted, limits) : memCounted;
  push('memory', pressure && mem ? addPressure(mem, pressure.memory) : mem);
  for (const [name, fields] of networkFields(sample.networks))
    push('network', fields, tagsWith(entry, 'interface', name));
  for (const [device, fields] of blockioFields(sample.blockio, options.deviceName))
    push('blockio', fields, tagsWith(entry, 'device', device));
  if (pressure) push('blockio', ioPressureFields(pressure.io));
  return points;
}

/**
 * Transform: each sample to its points, in order.
 *
 * ```
 * source: --r1------r2-------|        (r1: a container's first record: no CPU base yet)
 * result: --(mn)----(cmn)----|        (c: cpu, m: memory, n: network eth0)
 * ```
 */
export function toPoints(options: ToPointsOptions = {}): OperatorFunction<ContainerSample, Point> {
  const telemetry = options.telemetry ?? noTelemetry;
  return (source) =>
    defer(() => {
      // one per subscription
      const memory = new SampleMemory(options.forgetAfterMs, options.tags, options.containerTags);
      // eachOf, not mergeMap: no inner subscription per record (eachOf.ts says why that counts).
      return source.pipe(
        eachOf((sample) => {
          const points = samplePoints(sample, memory, options);
          telemetry.next({ type: 'record-transformed', points: points.length });
          return points;
        }),
      );
    });
}
