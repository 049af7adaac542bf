import type { ContainerStatus, StatusRecord } from '../../model/lifecycle.js';
import { type Instant, nanosBetween } from '../../model/timestamp.js';

// Where the lifecycle's statuses are stamped: at the engine's times, and after what was told since.

/**
 * When an event's status is told again: never, unless a status of the container was written for
 * a later time (an interval's, told before the event was read: the engine's stream
 * lags on a busy host), then 1 ms after it, so that the event's status is the series' last word:
 * InfluxDB's `last()` must not say running about a container that died. It is still written at
 * its own time too (a die replayed after a reconnect is found there).
 */
export function stampOf(at: Instant, told: Instant | undefined): Instant | undefined {
  if (!told || nanosBetween(at, told) <= 0) return undefined;
  const nanos = told.nanos + 1_000_000;
  return { seconds: told.seconds + Math.floor(nanos / 1e9), nanos: nanos % 1e9 };
}

/**
 * An event's status records: at a later stamp first (remote write's stale markers follow the
 * first exit they see, and a point before them is late), then at the event's own time.
 */
export const toldAt = (status: ContainerStatus, at: Instant, retold: Instant | undefined): StatusRecord[] =>
  retold
    ? [
        { status, at: retold },
        { status, at },
      ]
    : [{ status, at }];

/**
 * When the engine says a status's state began (an exit's end, a run's start), if before `now`
 * and not the time `known` already had: an unpause leaves StartedAt at the run's start, which
 * may be days old (a status written there would land in that run's past, or be refused).
 */
export function changedAt(status: ContainerStatus, now: Instant, known?: ContainerStatus): Instant | undefined {
  const ended = status.state === 'exited' || status.state === 'dead';
  const at = ended ? status.finishedAt : status.state === 'running' ? status.startedAt : undefined;
  const before = ended ? known?.finishedAt : known?.startedAt;
  if (at && before && nanosBetween(at, before) === 0) return undefined;
  return at && nanosBetween(at, now) > 0 ? at : undefined;
}
