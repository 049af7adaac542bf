import {
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  EMPTY,
  asyncScheduler,
  catchError,
  concat,
  concatWith,
  defer,
  exhaustMap,
  from,
  ignoreElements,
  map,
  merge,
  of,
  share,
  takeUntil,
  tap,
  throwError,
} from 'rxjs';
import type { Flushed } from '../batch/batch.js';
import { type Chunk, chunkLines, encodeChunk } from '../batch/chunk.js';
import { type Logger, silentLogger } from '../log.js';
import { DeliveryCounters } from './deliveryCounters.js';
import type { LineSink } from './influxSink.js';
import type { PointBuffer } from './pointBuffer.js';
import { type RetryWriteOptions, retryWrite } from './retryWrite.js';
import { classifyWriteFailure, namedBadLines, serverMessage } from './writeFailure.js';

/** What happened to a chunk of points. */
export type DeliveryEvent =
  | { readonly kind: 'written'; readonly points: number; readonly latencyMs: number }
  | { readonly kind: 'rejected'; readonly points: number; readonly reason: string }
  | { readonly kind: 'failed'; readonly points: number; readonly reason: string };

export interface WriteBatchesOptions {
  readonly buffer: PointBuffer;
  readonly counters?: DeliveryCounters;
  readonly retry?: RetryWriteOptions;
  /** Manual flush (SIGUSR1, shutdown): also retries what is waiting in the buffer now. */
  readonly flush$?: Observable<unknown>;
  readonly log?: Logger;
}

/** A chunk could not be written now; it goes back to the buffer. */
class ChunkFailed extends Error {
  constructor(
    readonly chunk: Chunk,
    override readonly cause: unknown,
  ) {
    super(serverMessage(cause));
  }
  with(rest: Chunk, encode: (lines: readonly string[]) => Chunk): ChunkFailed {
    return new ChunkFailed(encode([...chunkLines(this.chunk), ...chunkLines(rest)]), this.cause);
  }
}

/**
 * Store: batches of line protocol (chunks, from `batchLines`) into the bounded buffer, and from
 * there to the sink, one write in flight. A transient failure is retried with backoff
 * (`retryWrite`); when retries run out, or the server refuses the credentials or target
 * (401/403/404), the chunk goes back to the front of the buffer and is tried again at the next
 * flush. 413 splits the chunk in halves,
 * down to single points; 400/422 reject the points the server names (the rest are tried once
 * more, then rejected too). Only the buffer drops points, to make room; all is counted.
 *
 * ```
 * batches: --b1------b2--------b3----|
 * writes:    [w1]    [w2#~~retry~~w2][w3]
 * result:  ----W---------------W------W|     (W: a `written` event per chunk)
 * ```
 */
export function writeBatches(sink: LineSink, options: WriteBatchesOptions, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<Flushed<Chunk>, DeliveryEvent> {
  const { buffer } = options;
  const counters = options.counters ?? new DeliveryCounters();
  const log = options.log ?? silentLogger;

  const encode = (lines: readonly string[]): Chunk => encodeChunk(lines, sink.gzip);
  const halves = (chunk: Chunk): [Chunk, Chunk] => {
    const lines = chunkLines(chunk);
    const middle = Math.ceil(lines.length / 2);
    return [encode(lines.slice(0, middle)), encode(lines.slice(middle))];
  };

  const writeChunk = (chunk: Chunk, lastChance = false): Observable<DeliveryEvent> => {
    const attempt$ = defer(() => {
      const started = scheduler.now();
      return from(sink.write(chunk)).pipe(map((): DeliveryEvent => ({ kind: 'written', points: chunk.points, latencyMs: scheduler.now() - started })));
    });
    return attempt$.pipe(
      retryWrite({ ...options.retry, onRetry: () => (counters.pointsRetried += chunk.points) }, scheduler),
      catchError((error: unknown): Observable<DeliveryEvent> => {
        const kind = classifyWriteFailure(error);
        if (kind === 'too-large' && chunk.points > 1) {
          const [left, right] = halves(chunk);
          return concat(writeChunk(left).pipe(catchError((e: unknown) => throwError(() => (e instanceof ChunkFailed ? e.with(right, encode) : e)))), writeChunk(right));
        }
        if (kind === 'too-large' || kind === 'rejected') {
          const lines = kind === 'rejected' && !lastChance ? chunkLines(chunk) : [];
          const bad = namedBadLines(error, lines);
          const reason = serverMessage(error);
          log.warn({ sink: sink.description, status: kind, reason }, 'the database rejected points');
          if (bad.size === 0 || bad.size === chunk.points) return of({ kind: 'rejected', points: chunk.points, reason });
          return concat(of<DeliveryEvent>({ kind: 'rejected', points: bad.size, reason }), writeChunk(encode(lines.filter((l) => !bad.has(l))), true));
        }
        return throwError(() => new ChunkFailed(chunk, error));
      }),
    );
  };

  const putBack = (failure: ChunkFailed): Observable<DeliveryEvent> => {
    // Newer points may have filled the buffer meanwhile: making room drops the oldest, counted.
    counters.pointsDropped += buffer.unshift(failure.chunk);
    const reason = failure.message;
    if (counters.failing === undefined) {
      const refused = classifyWriteFailure(failure.cause) === 'refused';
      log.error(
        { sink: sink.description, reason },
        refused
          ? `the database refused the write (check the URL, org, bucket and token); points are kept and retried at each flush`
          : `writing to the database failed after retries; points are kept and retried at each flush`,
      );
    }
    counters.failing = reason;
    return of({ kind: 'failed', points: failure.chunk.points, reason });
  };

  // Writes chunk after chunk until the buffer is empty or a write fails.
  const drain = (): Observable<DeliveryEvent> =>
    defer(() => {
      const chunk = buffer.shift();
      if (!chunk) return EMPTY;
      let failed = false;
      return concat(
        writeChunk(chunk).pipe(
          catchError((error: unknown) => {
            failed = true;
            return error instanceof ChunkFailed ? putBack(error) : throwError(() => error);
          }),
        ),
        defer(() => (failed ? EMPTY : drain())),
      );
    });

  const count = (event: DeliveryEvent): void => {
    if (event.kind === 'written') {
      counters.pointsWritten += event.points;
      counters.batchesWritten++;
      counters.writeLatencyMsLast = event.latencyMs;
      counters.writeLatencyMsSum += event.latencyMs;
      counters.lastSuccessAt = scheduler.now();
      if (counters.failing !== undefined) log.info({ sink: sink.description }, 'writes to the database succeed again');
      counters.failing = undefined;
    } else if (event.kind === 'rejected') counters.pointsRejected += event.points;
    else counters.batchesFailed++;
  };

  return (batches$) =>
    defer(() => {
      const incoming$ = batches$.pipe(
        tap((batch) => {
          counters.flushes[batch.reason]++;
          counters.pointsDropped += buffer.push(batch.items);
        }),
        share(),
      );
      const done$ = incoming$.pipe(ignoreElements(), concatWith(of(true)));
      const triggers$ = merge(incoming$, options.flush$?.pipe(takeUntil(done$)) ?? EMPTY);
      return triggers$.pipe(
        exhaustMap(drain),
        // once the batches end, one last drain for what the last trigger's drain left behind
        concatWith(defer(drain)),
        tap(count),
      );
    });
}
