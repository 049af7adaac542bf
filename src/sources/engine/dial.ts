import type Docker from 'dockerode';
import { Observable } from 'rxjs';

export interface DialRequest {
  /** Engine API path ending in `?`, e.g. `/containers/abc/stats?`. */
  readonly path: string;
  /** Query parameters; objects are JSON-encoded by docker-modem (as `filters` must be). */
  readonly query: Record<string, unknown>;
  /** Status codes the endpoint documents, with the message dockerode gives their error. */
  readonly statusCodes?: Record<number, true | string>;
}

/** The engine closed a response before its end: it went away under us. */
export class PrematureCloseError extends Error {
  constructor(readonly path: string) {
    super(`the engine closed ${path} before its end`);
    this.name = 'PrematureCloseError';
  }
}

/**
 * Opens a streaming GET on the engine and emits its response body once the headers arrive; the
 * body stays paused (Node buffers it) until someone reads it, and completes when the body has
 * been read to its end. Unsubscribing destroys the body, which closes the socket under it; a
 * request still waiting for its headers is closed the moment they arrive (no AbortController:
 * one per container stream was heap that 10,000 containers could not afford, and the engine
 * answers a stats or events request's headers at once). Dockerode's own helpers buffer and
 * JSON-parse non-streaming answers, so both stats modes and /events go through here to be framed
 * by the same line framer.
 *
 * ```
 * dial$:  -----b-------|   (b: the response body; | once b has been read to its end)
 * unsub:  --------!        (destroys b, or b as soon as it arrives)
 * ```
 */
export function dial$(docker: Docker, request: DialRequest): Observable<NodeJS.ReadableStream> {
  return new Observable<NodeJS.ReadableStream>((subscriber) => {
    let body: (NodeJS.ReadableStream & { destroy(): void }) | undefined;
    docker.modem.dial(
      {
        path: request.path,
        method: 'GET',
        isStream: true,
        statusCodes: request.statusCodes ?? { 200: true, 404: 'not found', 500: 'server error' },
        options: { ...request.query },
      },
      (error: unknown, result: unknown) => {
        const stream = result as (NodeJS.ReadableStream & { destroy(): void }) | null | undefined;
        if (subscriber.closed) {
          stream?.destroy();
          return;
        }
        if (error || !stream) {
          subscriber.error(error ?? new Error(`no response body from ${request.path}`));
          return;
        }
        body = stream;
        let ended = false;
        // An error on the body before anyone reads it (engine gone) must still reach us.
        body.on('error', (e: unknown) => subscriber.error(e));
        body.once('end', () => (ended = true));
        body.once('close', () =>
          ended ? subscriber.complete() : subscriber.error(new PrematureCloseError(request.path)),
        );
        subscriber.next(body);
      },
    );
    return () => body?.destroy();
  });
}
