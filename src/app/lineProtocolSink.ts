import {
  NEVER,
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Unsubscribable,
  asyncScheduler,
  concatWith,
  connect,
  defer,
  endWith,
  filter,
  ignoreElements,
  map,
  merge,
  of,
  startWith,
  takeUntil,
  using,
} from 'rxjs';
import { type BatchLinesOptions, batchLines } from '../batch/batchLines.js';
import type { DeliveryBuffer } from '../deliver/deliveryBuffer.js';
import type { PointSink, SinkControls } from '../deliver/pointSink.js';
import type { LineSink } from '../deliver/sink.js';
import { type WriteBatchesOptions, writeBatches } from '../deliver/writeBatches.js';
import { toLineProtocol } from '../encode/toLineProtocol.js';
import { type Logger, silentLogger } from '../model/logger.js';
import type { Point } from '../model/point.js';
import type { DeliveryEvent } from '../model/telemetry.js';

/** How a line-protocol sink is made: what it opens on subscription, and how it batches and retries. */
export interface LineProtocolSinkOptions {
  readonly name: string;
  readonly description: string;
  /** The database's client or the stream, opened on subscription (closed on unsubscribe or completion). */
  readonly open: () => LineSink;
  /** The buffer (memory, or the disk spool), opened on subscription. */
  readonly buffer: () => DeliveryBuffer;
  readonly batch?: Omit<BatchLinesOptions, 'gzip' | 'flush$'>;
  readonly retry?: WriteBatchesOptions['retry'];
  /** Tell when the buffer turns full and has room again (`BUFFER_POLICY=block`). */
  readonly pressure?: boolean;
  readonly log?: Logger;
  /** Told once the buffer is open (a spool's replay), before the first point. */
  readonly opened?: (buffer: DeliveryBuffer, log: Logger) => void;
  /**
   * Points -> the lines batched (default: line protocol). Remote write gives its sample lines
   * here, so that it batches, buffers, spools and retries as the line-protocol sinks do.
   */
  readonly encode?: OperatorFunction<Point, string>;
}

/** What a subscription holds: the stream or client and the buffer, let go once. */
class Held implements Unsubscribable {
  readonly line: LineSink;
  readonly buffer: DeliveryBuffer;
  private lost: number | undefined;

  constructor(
    options: LineProtocolSinkOptions,
    private readonly log: Logger,
  ) {
    this.buffer = options.buffer();
    try {
      this.line = options.open();
    } catch (error) {
      this.buffer.close?.();
      throw error;
    }
  }

  /** Lets go of the files and connections; the points the disk refused, that lived in memory only. */
  close(): number {
    if (this.lost !== undefined) return this.lost;
    this.lost = this.buffer.close?.() ?? 0;
    this.line.close();
    return this.lost;
  }

  unsubscribe(): void {
    // Unsubscribed before the end (a forced exit): what only memory held goes with the process.
    if (this.lost === undefined && this.close() > 0)
      this.log.error(
        { points: this.lost },
        'the spool disk refused points held in memory: they are lost with the process',
      );
  }
}

const isLine = (line: string | undefined): line is string => line !== undefined;

/** Points as line protocol (a point with no field writes no line). */
const lineProtocol: OperatorFunction<Point, string> = (points$) => points$.pipe(map(toLineProtocol), filter(isLine));

/**
 * A point sink that writes line protocol (InfluxDB, VictoriaMetrics, stdout, a file): points ->
 * `toLineProtocol` -> `batchLines` (bytes written into the batch as lines arrive) ->
 * `writeBatches` through its own buffer, with its own retries. What a previous run spooled is
 * sent at once, before the first batch of this one.
 */
export function lineProtocolSink(options: LineProtocolSinkOptions): PointSink {
  const log = options.log ?? silentLogger;
  const named = (event: DeliveryEvent): DeliveryEvent => ({ ...event, sink: options.name });

  const deliver = (
    points$: Observable<Point>,
    controls: SinkControls = {},
    scheduler: SchedulerLike = asyncScheduler,
  ): Observable<DeliveryEvent> =>
    using(
      () => new Held(options, log),
      (resource) => {
        const { line, buffer } = resource as Held;
        options.opened?.(buffer, log);
        const replayed = buffer.replay;
        const opening: DeliveryEvent[] = replayed
          ? [
              { type: 'spool-opened', points: replayed.points, corrupt: replayed.corrupt },
              { type: 'buffer-level', points: buffer.points, bytes: buffer.bytes, inFlight: 0 },
            ]
          : [];
        const flush$ = controls.flush$ ?? NEVER;
        const drains$ = replayed && replayed.points > 0 ? flush$.pipe(startWith(undefined)) : flush$;
        const batches = { ...options.batch, flush$, gzip: line.gzip };
        const delivery = { buffer, flush$: drains$, log, ...(options.retry ? { retry: options.retry } : {}) };
        const written$ = points$.pipe(
          options.encode ?? lineProtocol,
          batchLines(batches, scheduler),
          writeBatches(line, delivery, scheduler),
        );
        const pressure = (full: boolean): DeliveryEvent => ({ type: 'buffer-pressure', full });
        const delivered$ = options.pressure
          ? written$.pipe(
              connect((events$) =>
                merge(
                  events$,
                  buffer.pressure$.pipe(map(pressure), takeUntil(events$.pipe(ignoreElements(), endWith(0)))),
                ),
              ),
            )
          : written$;
        const closing$ = defer(() => {
          const lost = (resource as Held).close();
          return of<DeliveryEvent>({ type: 'sink-closed', points: buffer.points, lost });
        });
        return merge(of(...opening), delivered$).pipe(concatWith(closing$), map(named));
      },
    );

  return { name: options.name, description: options.description, deliver };
}
