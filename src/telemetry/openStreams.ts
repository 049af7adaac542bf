import { BehaviorSubject, type Observable, type Subscription, filter, scan } from 'rxjs';
import type { TelemetryEvent } from '../model/telemetry.js';

/**
 * The number of container streams open, counted from now on, hot: every `stream-opened` and
 * `stream-closed` is counted whether or not anyone reads the count yet. (A cold count missed the
 * streams that open in one burst when the engine's listing arrives, before any stream reads the
 * read windows that follow the count: the windows stayed on at 10,000 containers.)
 *
 * ```
 * telemetry: -o-o-o--c---o--   (o: stream-opened, c: stream-closed)
 * count:     0-1-2-3--2---3--
 * ```
 */
export function openStreams(telemetry$: Observable<TelemetryEvent>): {
  count$: BehaviorSubject<number>;
  subscription: Subscription;
} {
  const count$ = new BehaviorSubject(0);
  const subscription = telemetry$
    .pipe(
      filter((e) => e.type === 'stream-opened' || e.type === 'stream-closed'),
      scan((n, e) => n + (e.type === 'stream-opened' ? 1 : -1), 0),
    )
    .subscribe((n) => count$.next(n));
  return { count$, subscription };
}
