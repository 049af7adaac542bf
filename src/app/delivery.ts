import {
  BehaviorSubject,
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  Subject,
  connect,
  distinctUntilChanged,
  merge,
  tap,
} from 'rxjs';
import type { Config } from '../config/keys.js';
import type { Exposition, PointSink } from '../deliver/pointSink.js';
import type { Logger } from '../model/logger.js';
import type { Point } from '../model/point.js';
import type { DeliveryEvent, TelemetrySink } from '../model/telemetry.js';
import type { TelemetryState } from '../telemetry/telemetryState.js';
import { sinksFor } from './sinksFor.js';

export interface DeliveryDeps {
  readonly log: Logger;
  readonly telemetry: TelemetrySink & { state(): TelemetryState };
  readonly scheduler: SchedulerLike;
  /** Where points go, each with its own batching, buffer and retries; default: the config's (`sinksFor`). */
  readonly sinks?: readonly PointSink[] | undefined;
}

/** The daemon's delivery: its sinks, named and checked, opened when `deliver` is subscribed. */
export interface Delivery {
  /** Where the points go, for the log (credentials masked). */
  readonly description: string;
  /** While any sink's buffer is full with BUFFER_POLICY=block, for the sources to pause; else undefined. */
  readonly pressure$: Observable<boolean> | undefined;
  /** Points waiting in the sinks' buffers now (once they closed, what they left). */
  buffered(): number;
  /** Points -> every sink (each encodes, batches, buffers, writes); completes once all is written. */
  readonly deliver: OperatorFunction<Point, DeliveryEvent>;
  /** Writes what waits now (SIGUSR1). */
  flush(): void;
  /** The series of the sinks read at scrape time (`PointSink.render`), for /metrics; empty when none. */
  exposition(): Exposition;
  /** The points the sinks' spool disks refused, told by their `sink-closed` events (each closes itself). */
  closeBuffer(): number;
}

/**
 * The one place the daemon's points are delivered: the sinks the configuration names (throws
 * SpoolError on a SPOOL_DIR it cannot use), and the operator that feeds them all one
 * subscription to the points. Nothing is opened until `deliver` is subscribed; each sink lets go
 * of what it holds when its subscription ends.
 */
export function openDelivery(config: Config, deps: DeliveryDeps): Delivery {
  const { telemetry, scheduler } = deps;
  const sinks = deps.sinks ?? sinksFor(config, { log: deps.log });
  // A name keys a sink's counters, its closing and its spool folder: two would be taken for one.
  const twice = sinks.find((sink, i) => sinks.findIndex((other) => other.name === sink.name) !== i);
  if (twice) throw new Error(`two sinks named ${JSON.stringify(twice.name)}: each sink needs a name of its own`);
  const flush$ = new Subject<void>();
  // Left in the buffers and lost from memory when each sink closed, by sink name.
  const closed = new Map<string, { points: number; lost: number }>();
  const sum = (key: 'points' | 'lost'): number => [...closed.values()].reduce((n, c) => n + c[key], 0);
  const full = new Map<string, boolean>();
  const fullness = new BehaviorSubject(false);
  const told = (event: DeliveryEvent): void => {
    telemetry.next(event);
    if (event.type === 'sink-closed') closed.set(event.sink ?? '', event);
    if (event.type === 'buffer-pressure') {
      full.set(event.sink ?? '', event.full);
      fullness.next([...full.values()].some(Boolean));
    }
  };
  const controls = { flush$ };
  return {
    description: sinks.map((sink) => sink.description).join(', '),
    pressure$: config.bufferPolicy === 'block' ? fullness.pipe(distinctUntilChanged()) : undefined,
    buffered: () => (closed.size === sinks.length ? sum('points') : telemetry.state().bufferPoints),
    deliver: (points$) => {
      const to = (shared$: Observable<Point>): Observable<DeliveryEvent> =>
        merge(...sinks.map((sink) => sink.deliver(shared$, controls, scheduler)));
      // One sink reads the points itself; several share one subscription to the sources, made
      // once every sink has subscribed (share() would start the sources at the first sink's, and
      // start them again for the next when they had already ended: collected twice).
      return (sinks.length === 1 ? to(points$) : points$.pipe(connect(to))).pipe(tap(told));
    },
    flush: () => flush$.next(),
    exposition: () => {
      const read = sinks.filter((sink) => sink.render !== undefined);
      const texts = read.map((sink) => sink.render!());
      const release = (): void => read.forEach((sink, i) => sink.released?.(texts[i]!));
      if (texts.length === 1) return { text: texts[0]!, release };
      const text = Buffer.concat(texts); // a copy: the sinks' own bytes are free at once
      release();
      return { text, release: () => {} };
    },
    closeBuffer: () => sum('lost'),
  };
}
