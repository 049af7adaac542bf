import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import { Observable } from 'rxjs';
import { EngineHttpError, EngineModem, type Send, queryString } from './engineModem.js';

export { type DialEndpoint, EngineHttpError } from './engineModem.js';

export interface DialRequest {
  /** Engine API path ending in `?`, e.g. `/containers/abc/stats?`. */
  readonly path: string;
  /** Query parameters; objects are JSON-encoded (as `filters` must be). */
  readonly query: Record<string, unknown>;
  /** Status codes the endpoint documents, with the message of their error. */
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
 * How `dial$` reaches an engine: the keep-alive agent of the client's transport (the EngineModem
 * `connectEngine` gave it, dockerode's public `modem`), sent on directly. docker-modem's `dial` was
 * not used even before: per request it builds a Promise for the socket path and formats its
 * options for a debug line (evaluated even when debug is off), which made a one-shot poll cost
 * several times a streamed record (docs/benchmarks.md, section 2).
 */
function senderOf(docker: Docker): Send {
  const modem: unknown = docker.modem;
  if (!(modem instanceof EngineModem))
    throw new Error('this Docker client has no engine endpoint: make it with connectEngine');
  return modem.send;
}

/** Reads an error answer's body (its message) and fails with it. */
function failWith(res: IncomingMessage, reason: string, fail: (error: unknown) => void): void {
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk.slice(0, 4096)));
  res.on('end', () => fail(new EngineHttpError(res.statusCode ?? 0, reason, text)));
  res.on('error', fail);
}

/**
 * Opens a streaming GET on the engine and emits its response body once the headers arrive; the
 * body stays paused (Node buffers it) until someone reads it, and completes when the body has
 * been read to its end (its socket then serves the next request). Unsubscribing earlier destroys
 * the request and the body, which closes the socket under them. A status that is not the
 * endpoint's success fails with an EngineHttpError carrying `statusCode` (404: the container is
 * gone).
 *
 * ```
 * dial$:  -----b-------|   (b: the response body; | once b has been read to its end)
 * unsub:  --------!        (destroys b, or the request still waiting for its headers)
 * ```
 */
export function dial$(docker: Docker, request: DialRequest): Observable<IncomingMessage> {
  return new Observable<IncomingMessage>((subscriber) => {
    const statusCodes = request.statusCodes ?? { 200: true, 404: 'not found', 500: 'server error' };
    const fail = (error: unknown): void => subscriber.error(error);
    let body: IncomingMessage | undefined;
    let ended = false;
    const req = senderOf(docker)(`${request.path}${queryString(request.query)}`, (res) => {
      const status = res.statusCode ?? 0;
      if (statusCodes[status] !== true) return failWith(res, String(statusCodes[status] ?? 'unexpected'), fail);
      body = res;
      // An error on the body before anyone reads it (engine gone) must still reach us.
      res.on('error', fail);
      res.once('end', () => (ended = true));
      res.once('close', () => (ended ? subscriber.complete() : fail(new PrematureCloseError(request.path))));
      subscriber.next(res);
    });
    req.on('error', fail);
    req.end();
    return () => {
      if (ended) return; // read to its end: the socket goes back to the agent for the next request
      body?.destroy();
      req.destroy();
    };
  });
}
