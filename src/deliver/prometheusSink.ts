import { Observable, type SchedulerLike } from 'rxjs';
import type { Point } from '../model/point.js';
import type { DeliveryEvent } from '../model/telemetry.js';
import type { PointSink, SinkControls } from './pointSink.js';
import { LatestSeries } from './prometheus/latestSeries.js';
import { ByteWriter } from './prometheus/byteWriter.js';
import { renderContainers } from './prometheus/render.js';

export interface PrometheusSinkOptions {
  /** A container that sends no point for this long (removed) leaves /metrics. */
  readonly staleAfterMs: number;
  /** Wall-clock ms; default Date.now. */
  readonly now?: () => number;
}

/** A sink that is read rather than written: its text is served on /metrics at scrape time. */
export interface PrometheusSink extends PointSink {
  /** The containers' series now, in the Prometheus text format as UTF-8 (EXPOSE_CONTAINER_METRICS). */
  render(): Buffer;
  released(text: Buffer): void;
}

/**
 * The containers' metrics for Prometheus to scrape: keeps each container's latest fields
 * (`LatestSeries`) and renders them when /metrics is asked (`renderContainers`), under
 * cAdvisor's names. Nothing is buffered, retried or spooled: a scrape reads what is latest.
 * Emits only `sink-closed` (with nothing left) when the points complete, and forgets everything.
 *
 * ```
 * points$: --p-p-p--|
 * result:  ---------(c|)     (c: sink-closed; render() reads the latest between)
 * ```
 */
export function prometheusSink(options: PrometheusSinkOptions): PrometheusSink {
  const name = 'prometheus';
  const latest = new LatestSeries(options.staleAfterMs, options.now);
  // One buffer for every scrape while none is being sent (`released`); a new one meanwhile.
  const kept = new ByteWriter(65_536);
  let lent = false;
  return {
    name,
    description: '/metrics (EXPOSE_CONTAINER_METRICS)',
    render: () => {
      // While the kept one is lent, one of its size (not grown from 64 kB by a dozen copies).
      const text = renderContainers(latest.entries(), lent ? new ByteWriter(kept.capacity) : kept);
      lent = true; // after the render: one that threw lent nothing
      return text;
    },
    released: (text) => {
      if (kept.holds(text)) lent = false;
    },
    deliver: (points$: Observable<Point>, _controls?: SinkControls, _scheduler?: SchedulerLike) =>
      new Observable<DeliveryEvent>((subscriber) => {
        const subscription = points$.subscribe({
          next: (point) => latest.put(point),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            latest.clear();
            subscriber.next({ type: 'sink-closed', points: 0, lost: 0, sink: name });
            subscriber.complete();
          },
        });
        return () => {
          subscription.unsubscribe();
          latest.clear();
        };
      }),
  };
}
