import {
  type MonoTypeOperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  last,
  takeUntil,
  takeWhile,
  timer,
} from 'rxjs';
import type { ContainerRow } from './containerRow.js';

/** A row with what two samples give: CPU % and rates (a stopped container has none to wait for). */
const settledRow = (row: ContainerRow): boolean =>
  row.state !== undefined &&
  (row.state !== 'running' ||
    (row.cpuPercent !== undefined &&
      row.memUsed !== undefined &&
      (row.interfaces.length === 0 || row.netRxPerSec !== undefined)));

/**
 * One snapshot, as `docker stats --no-stream` gives: the first refresh in which every container
 * is settled (its state known and, running, its CPU % and rates, which take two samples), else
 * the latest refresh when `maxMs` have passed (an empty list if there was none).
 *
 * ```
 * source:  --a--b--c--       (a: no CPU % yet; b: every row settled)
 * result:  -----(b|)
 * ```
 */
export function settledRows(
  maxMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<readonly ContainerRow[]> {
  return (source) =>
    source.pipe(
      takeWhile((rows) => rows.length === 0 || !rows.every(settledRow), true),
      takeUntil(timer(maxMs, scheduler)),
      last(undefined, []),
    );
}
