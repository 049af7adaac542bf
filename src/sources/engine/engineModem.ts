import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { addAbortSignal } from 'node:stream';
import type DockerModem from 'docker-modem';
import type { EngineEndpoint } from './dockerHost.js';

/** Where an engine client's requests go: its endpoint, with a TCP endpoint's TLS files read. */
export type DialEndpoint =
  | Extract<EngineEndpoint, { kind: 'socket' }>
  | (Extract<EngineEndpoint, { kind: 'tcp' }> & {
      readonly files?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
    });

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

/** Sends a request (path with its query) to the engine; the answer goes to `onResponse`. */
export type Send = (
  path: string,
  onResponse: (res: IncomingMessage) => void,
  method?: string,
  signal?: AbortSignal,
) => ClientRequest;

/** Node's HTTP client on one keep-alive agent, to the endpoint: a socket, or TCP with its TLS files. */
function sender(endpoint: DialEndpoint): { send: Send; agent: HttpAgent } {
  if (endpoint.kind === 'socket') {
    const { socketPath } = endpoint;
    const agent = new HttpAgent({ keepAlive: true });
    const send: Send = (path, onResponse, method = 'GET', signal) =>
      httpRequest({ socketPath, path, agent, method, ...(signal ? { signal } : {}) }, onResponse);
    return { send, agent };
  }
  const { host, port, tls, files } = endpoint;
  const make = tls ? httpsRequest : httpRequest;
  // The agent carries the files and whether the engine's certificate is verified to every request.
  const agent = tls
    ? new HttpsAgent({ keepAlive: true, ...files, rejectUnauthorized: tls.verify })
    : new HttpAgent({ keepAlive: true });
  const send: Send = (path, onResponse, method = 'GET', signal) =>
    make({ host, port, path, agent, method, ...(signal ? { signal } : {}) }, onResponse);
  return { send, agent };
}

/** The query as the Engine API takes it (as docker-modem builds it): objects (filters) as JSON, arrays repeated. */
export const queryString = (query: object): string => {
  const params = new URLSearchParams();
  for (const [key, entry] of Object.entries(query)) {
    const value: unknown = entry;
    if (value === undefined) continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)));
    else params.append(key, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
  }
  return params.toString();
};

/** The body of an answer, read to its end. */
function readBody(res: IncomingMessage, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.once('end', () => done(null, Buffer.concat(chunks)));
  res.once('error', (error) => done(error, Buffer.alloc(0)));
}

/** An answer's JSON object or array, else its bytes (`/_ping` answers `OK`), as docker-modem gives them. */
function jsonOrBytes(body: Buffer): object {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : body;
  } catch {
    return body;
  }
}

/** The engine's message in an error answer (`{"message": ...}`), else its text. */
function messageOf(answer: object, body: Buffer): string {
  const message = 'message' in answer ? answer.message : undefined;
  return typeof message === 'string' ? message : body.toString('utf8');
}

/** What dockerode asks of a modem (lib/docker.js: `this.modem.dial(options, callback)`, `this.modem.Promise`). */
type ModemContract = Pick<DockerModem, 'dial' | 'Promise'>;

/**
 * An engine client's transport: docker-modem's `dial` contract, which dockerode calls for each of
 * its methods (it takes a ready modem through its `modem` option), over one keep-alive agent that
 * `dial$` (the collector's streams and polls) shares. dockerode does the job it is kept for: the
 * Engine API's paths, queries and status codes behind `listContainers`, `inspect`, `info`,
 * `version`, `ping`. docker-modem's own Modem cannot be given the endpoint alone: its constructor
 * runs `defaultOpts()` whatever options it is given, which reads the process's DOCKER_HOST and,
 * for a tcp:// one, DOCKER_TLS_VERIFY, DOCKER_PATH_PREFIX, DOCKER_CLIENT_TIMEOUT and the three
 * files of DOCKER_CERT_PATH, and throws on a DOCKER_HOST list (`tcp://a:2375,tcp://b:2375`, which
 * the daemon takes) or a DOCKER_CERT_PATH without cert.pem (a ca.pem alone is valid for us).
 * Explicit options would override the values it reads, but not those throws. Requests that need
 * a body, an upgrade or stdin (creating or attaching to containers) are not sent: the collector
 * only reads.
 */
export class EngineModem implements ModemContract {
  /** dockerode sets it to the Promise it was given. */
  Promise: typeof Promise = Promise;
  readonly send: Send;
  private readonly agent: HttpAgent;

  constructor(readonly endpoint: DialEndpoint) {
    ({ send: this.send, agent: this.agent } = sender(endpoint));
  }

  /**
   * Closes the agent's sockets, idle and in use: a keep-alive socket is unref'd, so it never
   * holds the process open, but it stays open (an fd) until the engine closes it, which dockerd
   * and podman never do. A request sent afterwards opens a new socket.
   */
  close(): void {
    this.agent.destroy();
  }

  dial(request: DockerModem.DialOptions, callback: DockerModem.RequestCallback = () => undefined): void {
    const method = request.method ?? 'GET';
    if (method === 'POST' || method === 'PUT' || request.file !== undefined || request.hijack || request.openStdin) {
      callback(new Error(`${method} ${request.path}: this engine client only reads (GET, HEAD, DELETE)`), null);
      return;
    }
    const { abortSignal, _query, ...options } = request.options ?? {};
    const signal = request.abortSignal ?? (abortSignal instanceof AbortSignal ? abortSignal : undefined);
    const query = queryString(_query ?? options);
    const path = request.path.endsWith('?') ? request.path.slice(0, -1) : request.path;
    const statusCodes = request.statusCodes ?? { 200: true };
    let settled = false;
    const settle = (error: Error | null, result: Parameters<DockerModem.RequestCallback>[1]): void => {
      if (!settled) callback(error, result);
      settled = true;
    };
    const req = this.send(
      query === '' || !request.path.includes('?') ? path : `${path}?${query}`,
      (res) => {
        // Node aborts the request on the signal, not the answer: the answer is tied to it too.
        if (signal) addAbortSignal(signal, res);
        const status = res.statusCode ?? 0;
        if (statusCodes[status] === true && request.isStream) return settle(null, res);
        readBody(res, (error, body) => {
          if (error) return settle(error, null);
          const answer = jsonOrBytes(body);
          if (statusCodes[status] === true) return settle(null, answer);
          const reason = statusCodes[status];
          settle(
            new EngineHttpError(status, typeof reason === 'string' ? reason : 'unexpected', messageOf(answer, body)),
            null,
          );
        });
      },
      method,
      signal,
    );
    req.on('error', (error) => settle(error, null));
    req.end();
  }
}
