import {
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  Subject,
  filter,
  map,
  pipe,
  startWith,
  tap,
} from 'rxjs';
import { batchLines } from '../batch/batchLines.js';
import type { Config } from '../config/keys.js';
import type { DeliveryBuffer } from '../deliver/deliveryBuffer.js';
import type { LineSink } from '../deliver/sink.js';
import { writeBatches } from '../deliver/writeBatches.js';
import { toLineProtocol } from '../encode/toLineProtocol.js';
import type { Logger } from '../model/logger.js';
import type { Point } from '../model/point.js';
import type { DeliveryEvent, TelemetrySink } from '../model/telemetry.js';
import { bufferFor } from './bufferFor.js';
import { sinkFor } from './sinkFor.js';

export interface DeliveryDeps {
  readonly log: Logger;
  readonly telemetry: TelemetrySink;
  readonly scheduler: SchedulerLike;
  /** Where batches go; default: what the config says (`sinkFor`). */
  readonly sink?: LineSink | undefined;
  /** Where batches wait; default: what the config says (`bufferFor`: memory, or the disk spool). */
  readonly buffer?: DeliveryBuffer | undefined;
}

/** The daemon's delivery, open: its sink and buffer taken, until `close`. */
export interface Delivery {
  /** Where the points go, for the log (credentials masked). */
  readonly description: string;
  /** A full buffer with BUFFER_POLICY=block, for the sources to pause; else undefined. */
  readonly pressure$: Observable<boolean> | undefined;
  /** Points waiting in the buffer now. */
  buffered(): number;
  /** Points -> line protocol -> batches -> buffer -> sink; completes once the points end and all is written. */
  readonly deliver: OperatorFunction<Point, DeliveryEvent>;
  /** Writes what waits now (SIGUSR1). */
  flush(): void;
  /** Closes the buffer once (a spool keeps its files); answers the points its disk refused, at every call. */
  closeBuffer(): number;
  /** Closes the sink. */
  closeSink(): void;
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** Tells what a spool left from the last run, and warns when its disk has less room than MAX_SPOOL_SIZE. */
function tellReplay(config: Config, buffer: DeliveryBuffer, { log, telemetry }: DeliveryDeps): void {
  const replayed = buffer.replay;
  if (!replayed) return;
  telemetry.next({ type: 'spool-opened', points: replayed.points, corrupt: replayed.corrupt });
  telemetry.next({ type: 'buffer-level', points: buffer.points, bytes: buffer.bytes, inFlight: 0 });
  if (replayed.points > 0 || replayed.corrupt > 0)
    log.info(replayed, 'disk spool: sending what the last run left first');
  if (replayed.roomBytes < buffer.maxBytes)
    log.warn(
      { maxSpoolSize: buffer.maxBytes, roomBytes: replayed.roomBytes, spoolDir: config.spoolDir },
      `MAX_SPOOL_SIZE (${megabytes(buffer.maxBytes)}) is more than the disk has for the spool ` +
        `(${megabytes(replayed.roomBytes)}: free space and what is spooled); when it fills, new points wait in memory ` +
        'up to MAX_BUFFER_SIZE and then the oldest are dropped',
    );
}

/**
 * The one place the daemon's points are delivered: opens the sink and the buffer the
 * configuration names (throws SpoolError on a SPOOL_DIR it cannot use) and returns the operator
 * that encodes, batches and writes through them. Called inside the run's subscription, which
 * closes it when it ends.
 */
export function openDelivery(config: Config, deps: DeliveryDeps): Delivery {
  const { log, telemetry, scheduler } = deps;
  const sink = deps.sink ?? sinkFor(config);
  const buffer = deps.buffer ?? bufferFor(config);
  tellReplay(config, buffer, deps);
  const flush$ = new Subject<void>();
  const batches = {
    size: config.batchSize,
    intervalMs: config.flushInterval,
    maxBatchSize: config.maxBatchSize,
    flush$,
    gzip: sink.gzip,
  };
  // What a previous run spooled is sent at once, before the first batch of this one.
  const drains$ = (buffer.replay?.points ?? 0) > 0 ? flush$.pipe(startWith(undefined)) : flush$;
  const writes = { buffer, flush$: drains$, log, retry: { maxRetries: config.maxRetries } };
  let refused: number | undefined;
  return {
    description: sink.description,
    pressure$: config.bufferPolicy === 'block' ? buffer.pressure$ : undefined,
    buffered: () => buffer.points,
    deliver: pipe(
      map(toLineProtocol),
      filter((line): line is string => line !== undefined),
      batchLines(batches, scheduler),
      writeBatches(sink, writes, scheduler),
      tap((event) => telemetry.next(event)),
    ),
    flush: () => flush$.next(),
    closeBuffer: () => (refused ??= buffer.close?.() ?? 0),
    closeSink: () => sink.close(),
  };
}
