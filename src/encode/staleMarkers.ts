import { Observable, type OperatorFunction } from 'rxjs';
import type { Point } from '../model/point.js';
import { type PointSamples, STALE } from '../model/sampleLine.js';
import { nanosToMs, samplesOf } from './toSamples.js';

/**
 * The states of a `container` point that say the container went away (stopped, killed, being
 * removed): its stats end there. `created`, `running`, `paused`, `restarting` and the lifecycle's
 * own `unknown` do not.
 */
const GONE = new Set(['exited', 'dead', 'removing']);

/** A container's series: per label set (one array per tag object), the metric names sent with it. */
type SeriesBook = Map<readonly string[], Set<string>>;

const goneId = (point: Point): string | undefined => {
  if (point.measurement !== 'container') return undefined;
  const state = point.fields.state;
  return typeof state === 'string' && GONE.has(state) ? point.tags.container_id : undefined;
};

/** What one subscription remembers: the container's series, and how to stale them. */
function seriesBook(): {
  remember: (id: string, samples: PointSamples) => void;
  markers: (id: string, ms: number) => PointSamples[];
} {
  const books = new Map<string, SeriesBook>();

  const remember = (id: string, samples: PointSamples): void => {
    let book = books.get(id);
    if (!book) books.set(id, (book = new Map()));
    let names = book.get(samples.labels);
    if (!names) book.set(samples.labels, (names = new Set()));
    for (let i = 0; i < samples.samples.length; i += 2) names.add(samples.samples[i] as string);
  };

  const markers = (id: string, ms: number): PointSamples[] => {
    const book = books.get(id);
    books.delete(id);
    if (!book) return [];
    return [...book].map(([labels, names]) => ({ ms: ms + 1, labels, samples: [...names].flatMap((n) => [n, STALE]) }));
  };

  return { remember, markers };
}

/**
 * Points -> Prometheus samples (`samplesOf`), with a stale marker for every series of a
 * container that goes away: when its `container` point says `exited`, `dead` or `removing`, that
 * point's samples go out, then one ms later a stale marker for each series the container was
 * sent with (its stats and its `container_*` series), so that Prometheus drops them from instant
 * queries at once instead of after its 5-minute lookback. The exit's values (`container_exit_code`)
 * stay in the database, one ms before the markers. A series is remembered per container id
 * (the `container_id` tag) until the container goes.
 *
 * ```
 * source: --c{running}--s--s--c{exited}--|
 * result: --c-----------s--s--(cS)-------|     (S: stale markers of c's and s's series, 1 ms after c)
 * ```
 */
export function staleMarkers(): OperatorFunction<Point, PointSamples> {
  // One subscription for all points: no inner observable per point (every container's, every
  // tick); the series remembered are this subscription's own.
  return (points$) =>
    new Observable<PointSamples>((subscriber) => {
      const toSamples = samplesOf();
      const { remember, markers } = seriesBook();
      return points$.subscribe({
        next: (point) => {
          const samples = toSamples(point);
          const id = point.tags.container_id;
          if (samples) {
            if (id !== undefined) remember(id, samples);
            subscriber.next(samples);
          }
          const gone = goneId(point);
          if (gone === undefined) return;
          for (const marker of markers(gone, samples?.ms ?? nanosToMs(point.timestamp))) subscriber.next(marker);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
