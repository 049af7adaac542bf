import type { IncomingHttpHeaders } from 'node:http';
import { type Observable, from, map, switchMap, throwError } from 'rxjs';
import type { Chunk } from '../model/chunk.js';
import { redactUrl } from '../model/redactUrl.js';
import { httpPoster } from './httpPost.js';
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

/**
 * Lines of a chunk that did not read as sample lines (a damaged spool record, a form this version
 * does not know): left out of the request, and told as a partial write (`partialWriteDropped`),
 * so that the delivery counts them as rejected and logs it, and counts only the rest as written.
 * Not retried: they will not read the next time either.
 */
export class UnreadLinesError extends Error {
  readonly rejected = true;
  constructor(readonly lines: number) {
    super(`partial write: ${lines} sample lines did not read (damaged, or of a form unknown here) dropped=${lines}`);
    this.name = 'UnreadLinesError';
  }
}

/** Posts a chunk's request; its lines that did not read fail the write as a partial one after. */
function written(post: (body: Buffer) => Observable<void>, chunk: Chunk, codec: Codec): Observable<void> {
  const { body, unread } = codec.remoteWriteRequest(chunk);
  if (unread === 0) return post(body);
  const error = new UnreadLinesError(unread);
  if (unread >= chunk.points) return throwError(() => error);
  return post(body).pipe(
    map(() => {
      throw error;
    }),
  );
}

/** The headers remote write 1.0 requires: extra headers never replace these (compared lower-case). */
export const PROTOCOL_HEADERS = {
  'content-encoding': 'snappy',
  'content-type': 'application/x-protobuf',
  'user-agent': 'docker-stats-service',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

export { BODY_SHOWN, shownBody } from './httpPost.js';

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
  const poster = httpPoster(target.url, {
    headers: requestHeaders(target),
    timeoutMs: target.timeoutMs ?? 10_000,
    what: 'remote-write URL',
    answerError: (status, headers, body) => new RemoteWriteError(status, headers, body),
    secrets: targetSecrets(target),
  });
  return {
    description: remoteWriteDescription(target),
    // The body is compressed by snappy when written; the chunk itself stays plain lines.
    gzip: false,
    write: (chunk: Chunk) =>
      from(loadCodec()).pipe(switchMap((codec) => written((body) => poster.post(body), chunk, codec))),
    close: () => poster.close(),
  };
}
