import { Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Observable, from, switchMap } from 'rxjs';
import type { Chunk } from '../model/chunk.js';
import { redactUrl } from '../model/redactUrl.js';
import type { LineSink } from './sink.js';

type Codec = typeof import('./remoteWriteRequest.js');
let codec: Promise<Codec> | undefined;
/**
 * The protobuf and snappy code, loaded at the first write: a daemon without REMOTE_WRITE_URL
 * never evaluates protobufjs (the bundle keeps it behind this import; RSS, docs/benchmarks.md).
 */
const loadCodec = (): Promise<Codec> => (codec ??= import('./remoteWriteRequest.js'));

/** Where remote write goes, and how it authenticates. */
export interface RemoteWriteTarget {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly bearerToken?: string;
  /** Extra headers (a tenant's, a proxy's); they cannot replace the protocol's own. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly userAgent?: string;
}

/** The headers remote write 1.0 requires: extra headers never replace these (compared lower-case). */
export const PROTOCOL_HEADERS = {
  'content-encoding': 'snappy',
  'content-type': 'application/x-protobuf',
  'user-agent': 'docker-stats-service',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

/** How much of an answer's body goes into the error (and the log). */
export const BODY_SHOWN = 512;

/**
 * A failed write as the delivery policy reads it (`classifyWriteFailure`): the status and
 * headers (Retry-After), the body cut to `BODY_SHOWN`, and `rejected` for a 4xx other than 413
 * and 429: the spec says not to retry those, so the batch is dropped and counted as rejected
 * (where InfluxDB's 401 / 403 / 404 keep it for the next flush).
 */
export class RemoteWriteError extends Error {
  readonly rejected: boolean;
  constructor(
    readonly statusCode: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
  ) {
    super(`HTTP ${statusCode}${body ? `: ${body}` : ''}`);
    this.name = 'RemoteWriteError';
    this.rejected = statusCode >= 400 && statusCode < 500 && statusCode !== 429 && statusCode !== 413;
  }
}

/** The request's headers: the extras, then authentication, then the protocol's (which win). */
export function requestHeaders(target: RemoteWriteTarget): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(target.headers ?? {})) headers[name.toLowerCase()] = value;
  if (target.bearerToken !== undefined) headers.authorization = `Bearer ${target.bearerToken}`;
  else if (target.username !== undefined || target.password !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${target.username ?? ''}:${target.password ?? ''}`).toString('base64')}`;
  return { ...headers, ...PROTOCOL_HEADERS, ...(target.userAgent ? { 'user-agent': target.userAgent } : {}) };
}

/**
 * The secrets a target sends, longest first: the password, the token, the Authorization header's
 * value and the extra headers' values (a tenant id may be a key). A proxy may echo them in a body.
 */
export function targetSecrets(target: RemoteWriteTarget): string[] {
  const sent = requestHeaders(target);
  const values = [target.password, target.bearerToken, sent.authorization, ...Object.values(target.headers ?? {})];
  return [...new Set(values.filter((v): v is string => !!v))].sort((a, b) => b.length - a.length);
}

/** An answer's body for the log: each secret as ***, then cut to `BODY_SHOWN` (no half secret left). */
export function shownBody(body: string, secrets: readonly string[]): string {
  let text = body;
  for (const secret of secrets) text = text.split(secret).join('***');
  return text.slice(0, BODY_SHOWN).trim();
}

/** For logs: the URL (credentials masked) and how it authenticates, never the secret itself. */
export function remoteWriteDescription(target: RemoteWriteTarget): string {
  const auth =
    target.bearerToken !== undefined
      ? ', bearer token'
      : target.username !== undefined
        ? `, user ${target.username}`
        : '';
  return `${redactUrl(target.url)} (remote write${auth})`;
}

/**
 * The remote-write adapter: each chunk of sample lines (`sampleLine`) is posted as one
 * snappy-compressed protobuf WriteRequest over a keep-alive agent. 2xx is written; any other
 * answer errors with a `RemoteWriteError` (5xx and 429 are retried by the delivery, with
 * Retry-After honoured; a 4xx is rejected); no answer within `timeoutMs` errors as a network
 * failure does (retried). Unsubscribing aborts the request.
 */
export function remoteWriteSink(target: RemoteWriteTarget): LineSink {
  const https = target.url.startsWith('https:');
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: 2 })
    : new HttpAgent({ keepAlive: true, maxSockets: 2 });
  const request = https ? httpsRequest : httpRequest;
  const headers = requestHeaders(target);
  const timeout = target.timeoutMs ?? 10_000;
  const secrets = targetSecrets(target);
  // Enough of a body to mask a secret that straddles the cut before cutting.
  const kept = BODY_SHOWN + Buffer.byteLength(secrets[0] ?? '');
  /** One POST of a body: its answer, or the error the delivery policy reads. */
  const post = (body: Buffer): Observable<void> =>
    new Observable<void>((subscriber) => {
      const req = request(target.url, { method: 'POST', agent, headers, timeout }, (res) => {
        const pieces: Buffer[] = [];
        let size = 0;
        res.on('data', (piece: Buffer) => {
          // Only the start of a body is kept: it is for the log.
          if (size < kept) pieces.push(piece);
          size += piece.length;
        });
        res.on('error', (error) => subscriber.error(error));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            subscriber.next();
            subscriber.complete();
            return;
          }
          const text = shownBody(Buffer.concat(pieces).subarray(0, kept).toString('utf8'), secrets);
          subscriber.error(new RemoteWriteError(status, res.headers, text));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from the remote-write URL within ${timeout} ms`)));
      req.on('error', (error) => subscriber.error(error));
      req.end(body);
      return () => {
        if (!subscriber.closed) req.destroy();
      };
    });
  return {
    description: remoteWriteDescription(target),
    // The body is compressed by snappy when written; the chunk itself stays plain lines.
    gzip: false,
    write: (chunk: Chunk) => from(loadCodec()).pipe(switchMap(({ remoteWriteBody }) => post(remoteWriteBody(chunk)))),
    close: () => agent.destroy(),
  };
}
