import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type Docker from 'dockerode';
import { Observable } from 'rxjs';
import type { EngineEndpoint } from './dockerHost.js';

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

/** The engine answered with a status the endpoint does not document as success. */
export class EngineHttpError extends Error {
  constructor(
    readonly statusCode: number,
    reason: string,
    body: string,
  ) {
    super(`(HTTP code ${statusCode}) ${reason} - ${body.trim()}`);
    this.name = 'EngineHttpError';
  }
}

/** Where an engine client's requests go: its endpoint, with a TCP endpoint's TLS files read. */
export type DialEndpoint =
  | Extract<EngineEndpoint, { kind: 'socket' }>
  | (Extract<EngineEndpoint, { kind: 'tcp' }> & {
      readonly files?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
    });

/** A TLS endpoint's agent options: its files, and whether the engine's certificate is verified. */
export const tlsOptions = (endpoint: Extract<DialEndpoint, { kind: 'tcp' }>) => ({
  ...endpoint.files,
  rejectUnauthorized: endpoint.tls?.verify ?? true,
});

/** Each engine client's endpoint, as `connectEngine` made it. */
const endpoints = new WeakMap<Docker, DialEndpoint>();

/** Tells `dial$` where this client's requests go (`connectEngine` does, for each client it makes). */
export const dialsTo = (docker: Docker, endpoint: DialEndpoint): void => void endpoints.set(docker, endpoint);

type Send = (path: string, onResponse: (res: IncomingMessage) => void) => ClientRequest;

/** One keep-alive agent per engine client, made at its first request. */
const senders = new WeakMap<Docker, Send>();

/**
 * How requests reach an engine: Node's HTTP client on a keep-alive agent, to the endpoint
 * `connectEngine` parsed from DOCKER_HOST. docker-modem's own `dial` is not used: per request it
 * builds a Promise for the socket path and formats its options for a debug line (evaluated even
 * when debug is off), which made a one-shot poll cost several times a streamed record
 * (docs/benchmarks.md, section 2).
 */
function senderOf(docker: Docker): Send {
  let send = senders.get(docker);
  if (send) return send;
  const endpoint = endpoints.get(docker);
  if (!endpoint) throw new Error('this Docker client has no endpoint: make it with connectEngine');
  if (endpoint.kind === 'socket') {
    const { socketPath } = endpoint;
    const agent = new HttpAgent({ keepAlive: true });
    send = (path, onResponse) => httpRequest({ socketPath, path, agent, method: 'GET' }, onResponse);
  } else {
    const { host, port } = endpoint;
    const make = endpoint.tls ? httpsRequest : httpRequest;
    const agent = endpoint.tls
      ? new HttpsAgent({ keepAlive: true, ...tlsOptions(endpoint) })
      : new HttpAgent({ keepAlive: true });
    send = (path, onResponse) => make({ host, port, path, agent, method: 'GET' }, onResponse);
  }
  senders.set(docker, send);
  return send;
}

/** The query as the Engine API takes it: objects (filters) as JSON, the rest as text. */
const queryString = (query: Record<string, unknown>): string =>
  new URLSearchParams(
    Object.entries(query).map(([key, value]): [string, string] => [
      key,
      typeof value === 'object' ? JSON.stringify(value) : String(value),
    ]),
  ).toString();

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
