import type Docker from 'dockerode';
import { Observable, type SchedulerLike, identity, switchMap, takeWhile } from 'rxjs';
import { frameLines, readLines } from '../../parse/frameLines.js';
import type { ConcurrencyGate } from '../../rx/concurrencyGate.js';
import { type RetryBackoffOptions, type RetryVerdict, retryBackoff, statusOf } from '../../rx/retryBackoff.js';
import { pollEvery, pollOn } from '../../rx/pollEvery.js';
import { dial$ } from './dial.js';
import { isZeroedRecord } from './zeroedRecord.js';

export type StatsMode = 'stream' | 'poll';

export interface RawStatsOptions {
  /** `stream`: the engine pushes a record a second; `poll`: one one-shot request every `pollIntervalMs`. */
  readonly mode?: StatsMode;
  readonly pollIntervalMs?: number;
  /** Shared across containers in poll mode to cap the engine requests under way at once. */
  readonly pollGate?: ConcurrencyGate;
  /** Shared across containers in poll mode: all poll on one tick (default: a timer of their own). */
  readonly pollTick$?: Observable<unknown>;
  /** Backoff between retries of a failed stream or poll. */
  readonly retry?: Omit<RetryBackoffOptions, 'classify'>;
  /** Backpressure: while true, streams are not read and polls are skipped. */
  readonly paused$?: Observable<boolean>;
}

/** The engine closed a stats stream that should have gone on; retried like any stream error. */
export class StatsStreamEndedError extends Error {
  constructor(readonly containerId: string) {
    super(`stats stream of container ${containerId} ended`);
    this.name = 'StatsStreamEndedError';
  }
}

/** A 404 means the container is gone: its stream ends; anything else is retried. */
const classify = (error: unknown): RetryVerdict => (statusOf(error) === 404 ? 'complete' : 'retry');
const statusCodes = { 200: true, 404: 'no such container', 500: 'server error' } as const;

/**
 * A stats stream's records, up to the first zeroed one (which completes); the engine ending the
 * stream is a StatsStreamEndedError. Written as one Observable over `dial$` and `readLines`
 * rather than `switchMap(frameLines)`, `concatWith(throwError)` and `takeWhile`: those are a
 * dozen subscribers and some 90 closures per container, most of the heap at 10,000 containers.
 *
 * ```
 * body:   --r--r--r--z-     or   --r--r--|
 * result: --r--r--r--|           --r--r--#   (#: StatsStreamEndedError)
 * ```
 */
function streamRecords$(
  body$: Observable<NodeJS.ReadableStream>,
  containerId: string,
  paused$?: Observable<boolean>,
): Observable<string> {
  return new Observable<string>((subscriber) => {
    const fail = (error: unknown): void => subscriber.error(error);
    return body$.subscribe({
      next: (body) =>
        subscriber.add(
          readLines(
            body,
            {
              line: (line) => (isZeroedRecord(line) ? subscriber.complete() : subscriber.next(line)),
              end: () => subscriber.error(new StatsStreamEndedError(containerId)),
              error: fail,
            },
            paused$,
          ),
        ),
      error: fail,
    });
  });
}

/** Poll mode: a one-shot request every `pollIntervalMs` through the gate, up to the first zeroed record. */
function polled$(
  request: (query: Record<string, unknown>) => Observable<NodeJS.ReadableStream>,
  options: RawStatsOptions,
  scheduler: SchedulerLike | undefined,
): Observable<string> {
  const oneShot$ = request({ stream: false, 'one-shot': true }).pipe(
    switchMap((body) => frameLines(body, options.paused$)),
  );
  const gated$ = (options.pollGate ?? identity)(oneShot$);
  const polls$ = options.pollTick$
    ? pollOn(options.pollTick$, gated$, options.paused$)
    : pollEvery(gated$, options.pollIntervalMs ?? 10_000, options.paused$, scheduler);
  return polls$.pipe(takeWhile((line) => !isZeroedRecord(line)));
}

/**
 * The raw stats records (one JSON text each) of one container, as the engine sends them.
 * Zeroed records (container not running) never pass: the first one completes the stream, as
 * does a 404 (container gone). Other errors, and a stream the engine closes, are retried with
 * exponential backoff and full jitter.
 *
 * ```
 * stream mode:  --r--r--r--#~~~~~~(backoff)~~--r--r--z|    (z: zeroed record, not emitted)
 * result:       --r--r--r-----------------------r--r--|
 * poll mode:    |-----pollIntervalMs-----|-----------------|
 * result:       r------------------------r-----------------r...
 * ```
 */
export function rawStats$(
  docker: Docker,
  containerId: string,
  options: RawStatsOptions = {},
  scheduler?: SchedulerLike,
): Observable<string> {
  const request = (query: Record<string, unknown>): Observable<NodeJS.ReadableStream> =>
    dial$(docker, { path: `/containers/${encodeURIComponent(containerId)}/stats?`, query, statusCodes });

  const records$ =
    options.mode === 'poll'
      ? polled$(request, options, scheduler)
      : streamRecords$(request({ stream: true }), containerId, options.paused$);

  return records$.pipe(retryBackoff({ ...options.retry, classify }, scheduler));
}
