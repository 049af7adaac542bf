import {
  type Observable,
  type ObservableInput,
  type SchedulerLike,
  asyncScheduler,
  defer,
  finalize,
  from,
  throwError,
  timeout,
} from 'rxjs';

/** dockerode's info() and version() pass `{ abortSignal }` on to the request, which its types leave out. */
interface AbortableQueries {
  info(options: { abortSignal?: AbortSignal }): Promise<unknown>;
  version(options: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** The client's info() and version(), typed with the abortSignal option dockerode takes. */
export const abortable = (docker: object): AbortableQueries => docker as AbortableQueries;

/** How long a request that must answer (a listing, /version, /info) may take before it counts as failed. */
export const ENGINE_ANSWER_MS = 30_000;

/** The engine accepted a request and did not answer it in time: a hung engine, or a stuck proxy before it. */
export class EngineTimeoutError extends Error {
  constructor(
    readonly address: string,
    readonly request: string,
    readonly waitedMs: number,
  ) {
    super(`the Docker engine at ${address} did not answer ${request} within ${waitedMs / 1000} s`);
    this.name = 'EngineTimeoutError';
  }
}

/**
 * One request to the engine that must answer: its answer, or an EngineTimeoutError naming the
 * engine and the request after `timeoutMs`. Without it an engine that accepts the connection and
 * never answers holds its source for ever, and nothing reports it down. The request is given a
 * signal aborted on unsubscription (a timeout included), so that each try of a hung engine does
 * not leave a socket open behind it.
 *
 * ```
 * send:    ----a|                 ------------------...
 * result:  ----a|                 ----(timeoutMs)---#     (#: EngineTimeoutError)
 * ```
 */
export function askEngine<T>(
  address: string,
  request: string,
  send: (signal: AbortSignal) => ObservableInput<T>,
  timeoutMs = ENGINE_ANSWER_MS,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<T> {
  return defer(() => {
    const abort = new AbortController();
    return from(send(abort.signal)).pipe(finalize(() => abort.abort()));
  }).pipe(
    timeout({
      first: timeoutMs,
      scheduler,
      with: () => throwError(() => new EngineTimeoutError(address, request, timeoutMs)),
    }),
  );
}
