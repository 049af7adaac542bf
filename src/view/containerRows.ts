import {
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  connect,
  defer,
  ignoreElements,
  map,
  merge,
  of,
  switchMap,
  take,
  tap,
  timer,
} from 'rxjs';
import type { Point } from '../model/point.js';
import { takeUntilEnd } from '../rx/takeUntilEnd.js';
import { type ContainerRow, foldPoint, rowOf } from './containerRow.js';
import { GONE_AFTER_REFRESHES, type RowEntry } from './rowEntry.js';

/** How long after a sampling round the view refreshes: the round's points come in a few ms. */
export const REFRESH_LAG_MS = 100;

/**
 * The view's rows: the points folded into one row per container, emitted every `everyMs` (on
 * the scheduler) as a fresh array, `REFRESH_LAG_MS` (at most a quarter of it) after the first
 * point and in step with it from then on, so that a refresh shows the sampling round just
 * taken; a container without a point for `GONE_AFTER_REFRESHES` refreshes leaves it, one
 * without a stats point for as long (it stopped) shows no usage nor rates. The
 * refreshes end with the points.
 *
 * ```
 * source:  ---(cm)------(cm)------(cm)--|     (c, m: a container's cpu and memory points; every 8)
 * result:  -----r-------r-------r-------|     (r: its row with the latest values; lag 2)
 * ```
 */
export function containerRows(
  everyMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<Point, readonly ContainerRow[]> {
  return (source: Observable<Point>) =>
    defer(() => {
      const known = new Map<string, RowEntry>();
      const lagMs = Math.min(REFRESH_LAG_MS, everyMs / 4);
      // scan would copy the map per point; it is this subscription's own, so it is folded in place.
      return source.pipe(
        connect((points) =>
          merge(
            points.pipe(
              tap((point) => foldPoint(known, point)),
              ignoreElements(),
            ),
            // Refreshes from the start, put in phase again just after the first point's sampling round.
            merge(of(0), points.pipe(take(1))).pipe(
              switchMap(() => timer(lagMs, everyMs, scheduler)),
              takeUntilEnd(points),
            ),
          ),
        ),
        map(() => {
          for (const [key, entry] of known) if (entry.idle++ >= GONE_AFTER_REFRESHES) known.delete(key);
          const rows = [...known.values()].map(rowOf);
          for (const entry of known.values()) entry.statsIdle++;
          return rows;
        }),
      );
    });
}
