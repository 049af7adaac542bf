import { Observable, type OperatorFunction } from 'rxjs';
import type { Point } from '../model/point.js';
import { type PointSamples, STALE, type SampleValue } from '../model/sampleLine.js';
import { nanosToMs, samplesOf } from './toSamples.js';

/**
 * The states of a `container` point that say the container went away (stopped, killed, being
 * removed): its stats end there. `created`, `running`, `paused`, `restarting` and the lifecycle's
 * own `unknown` do not.
 */
const GONE = new Set(['exited', 'dead', 'removing']);

/** How many staled containers are remembered for their late points (the oldest forgotten first). */
const MAX_STALED = 10_000;

/**
 * A container's series: per label set, the labels and the metric names sent with them, each with
 * its latest sample's ms. Keyed by the labels' text: a container's points may carry equal tags in
 * different objects (a new one after an event), which must make one series, and so one marker.
 */
type SeriesBook = Map<string, { readonly labels: readonly string[]; readonly names: Map<string, number> }>;

const goneId = (point: Point): string | undefined => {
  if (point.measurement !== 'container') return undefined;
  const state = point.fields.state;
  return typeof state === 'string' && GONE.has(state) ? point.tags.container_id : undefined;
};

/** What one subscription remembers: the container's series, and how to stale them. */
function seriesBook(): {
  remember: (id: string, samples: PointSamples) => PointSamples | undefined;
  markers: (id: string, ms: number) => PointSamples[];
  forget: (id: string) => void;
} {
  const books = new Map<string, SeriesBook>();
  // A container's latest sample time: a stats sample may be later than its exit's event time.
  const latest = new Map<string, number>();
  // The markers' ms of containers staled lately (the oldest go first past the bound): a
  // container back (a restart) sends nothing at or before them, in any series it was marked in.
  const floors = new Map<string, number>();
  // A label set's text, made once per labels array (once per tag object).
  const keys = new WeakMap<readonly string[], string>();

  /**
   * The samples to send: each series' only when later than its latest sent. Prometheus refuses a
   * request with one sample out of order (or twice at a time), and drops all of it; a status
   * told again after an interval's (`lifecycleReducer`) comes before the event's own.
   */
  const remember = (id: string, samples: PointSamples): PointSamples | undefined => {
    let book = books.get(id);
    if (!book) books.set(id, (book = new Map()));
    if (samples.ms > (latest.get(id) ?? -Infinity)) latest.set(id, samples.ms);
    let text = keys.get(samples.labels);
    if (text === undefined) keys.set(samples.labels, (text = samples.labels.join('\0')));
    let names = book.get(text)?.names;
    if (!names) book.set(text, { labels: samples.labels, names: (names = new Map()) });
    let keptNames: string[] | undefined;
    let keptValues: SampleValue[] | undefined;
    for (let i = 0; i < samples.names.length; i++) {
      const name = samples.names[i]!;
      const last = names.get(name) ?? floors.get(id);
      if (last !== undefined && last >= samples.ms) {
        keptNames ??= samples.names.slice(0, i);
        keptValues ??= samples.values.slice(0, i);
      } else {
        names.set(name, samples.ms);
        keptNames?.push(name);
        keptValues?.push(samples.values[i]!);
      }
    }
    if (keptNames === undefined || keptValues === undefined) return samples;
    return keptNames.length > 0 ? { ...samples, names: keptNames, values: keptValues } : undefined;
  };

  const markers = (id: string, ms: number): PointSamples[] => {
    const book = books.get(id);
    const at = Math.max(ms, latest.get(id) ?? ms) + 1;
    books.delete(id);
    latest.delete(id);
    floors.delete(id);
    floors.set(id, at);
    if (floors.size > MAX_STALED) floors.delete(floors.keys().next().value!);
    if (!book) return [];
    return [...book.values()].map(({ labels, names }) => ({
      ms: at,
      labels,
      names: [...names.keys()],
      values: Array.from(names.keys(), () => STALE),
    }));
  };

  /**
   * Forgets a book without markers (an alert resolved: its series end with that point); as after
   * markers, nothing at or before its latest sample is sent after.
   */
  const forget = (id: string): void => {
    const at = latest.get(id);
    books.delete(id);
    latest.delete(id);
    floors.delete(id);
    if (at === undefined) return;
    floors.set(id, at);
    if (floors.size > MAX_STALED) floors.delete(floors.keys().next().value!);
  };

  return { remember, markers, forget };
}

/**
 * The book of an `alert` point's series, apart from its container's: an alert of an exit fires
 * on it (told to the rules before the exit's `container` point, or after it), fires on for its
 * `keep_firing_for` and then resolves, all after the container's markers. Kept in the
 * container's book its series was staled 1 ms after it fired and its later points held back as
 * late; Prometheus never saw it fire nor resolve. One book per rule: forgotten when it resolves.
 */
const alertBook = (point: Point, id: string): string | undefined =>
  point.measurement === 'alert' ? `${id}\0alert\0${point.tags.rule ?? ''}` : undefined;

/**
 * Points -> Prometheus samples (`samplesOf`), with a stale marker for every series of a
 * container that goes away: when its `container` point says `exited`, `dead` or `removing`, that
 * point's samples go out, then one ms later (later than its latest sample, if a stats sample
 * came stamped after the exit's event) a stale marker for each series the container was
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
      const { remember, markers, forget } = seriesBook();
      // Containers staled lately, with their markers' time. Until a `container` point says the
      // container lives again (a restart), its points are late: a stats sample read after the
      // exit would bring a series back with no marker to end it, and a point up to the markers'
      // time (the exit told twice: its event, then the re-listing) Prometheus refuses as out of
      // order. A later exit (a periodic status) is sent, and marked again.
      const staled = new Map<string, number>();
      const late = (id: string, point: Point): boolean => {
        const at = staled.get(id);
        if (at === undefined) return false;
        const isStatus = point.measurement === 'container' && typeof point.fields.state === 'string';
        if (isStatus && !GONE.has(point.fields.state as string)) {
          staled.delete(id);
          return false;
        }
        return !isStatus || nanosToMs(point.timestamp) <= at;
      };
      const stale = (id: string, ms: number): PointSamples[] => {
        const marked = markers(id, ms);
        staled.delete(id); // re-inserted last: the oldest go first past the bound
        staled.set(id, marked[0]?.ms ?? ms + 1);
        if (staled.size > MAX_STALED) staled.delete(staled.keys().next().value!);
        return marked;
      };
      return points$.subscribe({
        next: (point) => {
          const id = point.tags.container_id;
          const alert = id === undefined ? undefined : alertBook(point, id);
          if (id !== undefined && alert === undefined && late(id, point)) return;
          const made = toSamples(point);
          // A point of no container (`internal`) has a book of its own measurement's: nothing
          // stales it, but a clock stepped back must not send a sample before its last one.
          const book = alert ?? id ?? `\0${point.measurement}`;
          const samples = made && remember(book, made);
          if (samples) subscriber.next(samples);
          if (alert !== undefined && point.fields.firing === false) forget(alert);
          const gone = goneId(point);
          if (gone === undefined) return;
          for (const marker of stale(gone, made?.ms ?? nanosToMs(point.timestamp))) subscriber.next(marker);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
