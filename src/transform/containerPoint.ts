import type { OperatorFunction } from 'rxjs';
import type { ContainerRef } from '../model/container.js';
import type { StatusRecord } from '../model/lifecycle.js';
import { type TelemetrySink, noTelemetry } from '../model/telemetry.js';
import { containerTagger } from './containerTags.js';
import { eachOf } from './eachOf.js';
import { type Fields, type Point, int } from '../model/point.js';
import { type Instant, nanosBetween, toNanoString } from '../model/timestamp.js';

/** Every field a `container` point may have. */
export const CONTAINER_FIELDS = [
  'running',
  'state',
  'restart_count',
  'uptime_seconds',
  'started_at',
  'finished_at',
  'exit_code',
  'oom_killed',
  'health_status',
  'health_failing_streak',
];

/** ns since the epoch as an integer field: beyond 2^53, so a bigint. */
const nanosField = ({ seconds, nanos }: Instant): bigint => BigInt(seconds) * 1_000_000_000n + BigInt(nanos);

/**
 * The `container` point of a status: `running`, `state`, `restart_count`, `uptime_seconds`
 * (while running), `started_at` / `finished_at` (ns since the epoch, when known), `exit_code`
 * and `oom_killed` (once it has exited; `oom_killed` also on the `oom` event), `health_status`
 * and `health_failing_streak` (only with a healthcheck).
 */
export function containerPoint({ status, at }: StatusRecord, tags: Readonly<Record<string, string>>): Point {
  const running = status.state === 'running';
  const fields: Fields = { running, state: status.state, restart_count: int(status.restartCount) };
  if (running && status.startedAt) fields.uptime_seconds = Math.max(0, nanosBetween(status.startedAt, at) / 1e9);
  if (status.startedAt) fields.started_at = nanosField(status.startedAt);
  if (status.finishedAt) fields.finished_at = nanosField(status.finishedAt);
  if (status.exitCode !== undefined) fields.exit_code = int(status.exitCode);
  if (status.oomKilled !== undefined) fields.oom_killed = status.oomKilled;
  if (status.health) {
    fields.health_status = status.health.status;
    fields.health_failing_streak = int(status.health.failingStreak);
  }
  return { measurement: 'container', tags, fields, timestamp: toNanoString(at) };
}

export interface ContainerPointOptions {
  /** Tags added to every point (e.g. `host`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** A container's own tags: `containerTagger`. */
  readonly containerTags?: (container: ContainerRef) => Record<string, string>;
  /** Field selection (`fieldChooser`). */
  readonly select?: ((point: Point) => Point | undefined) | undefined;
  /** Told `status-transformed` for each status. */
  readonly telemetry?: TelemetrySink;
}

/**
 * Transform for the lifecycle: each status to its `container` point, tagged as the container's
 * stats points are, with the fields selected.
 *
 * ```
 * source: --s1------s2(die)----|
 * result: --p-------p{exit_code}|
 * ```
 */
export function toContainerPoints(options: ContainerPointOptions = {}): OperatorFunction<StatusRecord, Point> {
  const tagsOf = options.containerTags ?? containerTagger();
  const telemetry = options.telemetry ?? noTelemetry;
  // One tags object per container identity (a status keeps its container object from one inspect
  // to the next), so that the line-protocol serializer escapes each tag set once.
  const tagSets = new WeakMap<ContainerRef, Readonly<Record<string, string>>>();
  const tagsFor = (container: ContainerRef): Readonly<Record<string, string>> => {
    let tags = tagSets.get(container);
    if (!tags) tagSets.set(container, (tags = { ...options.tags, ...tagsOf(container) }));
    return tags;
  };
  // eachOf: no inner subscription per status (every container's, at every tick).
  return eachOf((record) => {
    const point = containerPoint(record, tagsFor(record.status.container));
    const selected = options.select ? options.select(point) : point;
    telemetry.next({ type: 'status-transformed', points: selected ? 1 : 0 });
    return selected ? [selected] : [];
  });
}
