import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { InfluxDB, type SendOptions, type Transport } from '@influxdata/influxdb-client';
import { Observable } from 'rxjs';
import type { Chunk } from '../model/chunk.js';
import { redactUrl } from '../model/redactUrl.js';
import type { LineSink } from './sink.js';

/** InfluxDB 1.x's /write API: a database, its retention policy, basic authentication. */
export interface InfluxV1 {
  readonly db: string;
  readonly retentionPolicy?: string;
  readonly username?: string;
  readonly password?: string;
}

/** Where points go: InfluxDB 2's /api/v2/write (or anything that speaks it, e.g. VictoriaMetrics), or 1.x's /write. */
export interface InfluxTarget {
  readonly url: string;
  readonly token?: string;
  readonly org: string;
  readonly bucket: string;
  /** Write to InfluxDB 1.x's /write instead (org, bucket and token are not used). */
  readonly v1?: InfluxV1;
  /** gzip request bodies (over 1 kB); default on. The chunks come gzipped from the batch. */
  readonly compression?: boolean;
  readonly timeoutMs?: number;
}

/**
 * The write path, a description for logs (never the password, nor credentials in the URL) and
 * the 1.x basic authentication header.
 */
export function endpoint(target: InfluxTarget): { path: string; description: string; auth: Record<string, string> } {
  const { v1 } = target;
  const url = redactUrl(target.url);
  if (!v1) {
    const query = new URLSearchParams({ org: target.org, bucket: target.bucket, precision: 'ns' });
    return {
      path: `/api/v2/write?${query}`,
      description: `${url} (org ${target.org}, bucket ${target.bucket})`,
      auth: {},
    };
  }
  const query = new URLSearchParams({ db: v1.db, precision: 'n' });
  if (v1.retentionPolicy) query.set('rp', v1.retentionPolicy);
  const basic = Buffer.from(`${v1.username ?? ''}:${v1.password ?? ''}`).toString('base64');
  const rp = v1.retentionPolicy ? `, retention policy ${v1.retentionPolicy}` : '';
  return {
    path: `/write?${query}`,
    description: `${url} (InfluxDB 1.x database ${v1.db}${rp}${v1.username ? `, user ${v1.username}` : ''})`,
    auth: v1.username !== undefined || v1.password !== undefined ? { authorization: `Basic ${basic}` } : {},
  };
}

/**
 * Posts bytes through the client's transport. `iterate` is its call that takes them: its body is
 * typed `any` and sent as `Buffer.from(body)` makes it (a Buffer's bytes as they are), where
 * `send` types the body as a string and `request` JSON-encodes anything else. Its answer (none:
 * a write answers 204) or its HttpError, with status and headers, are `send`'s.
 */
const post = (transport: Transport, path: string, body: Buffer, options: SendOptions): AsyncIterable<Uint8Array> =>
  transport.iterate(path, body, options);

/** Reads an answer to its end: the write is done when its answer is. */
async function drained(answer: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const piece of answer) void piece;
}

/**
 * The InfluxDB adapter: @influxdata/influxdb-client's HTTP transport (keep-alive agent, token
 * header, timeouts, HttpError with status and headers) posting to /api/v2/write with precision
 * ns, or to 1.x's /write (precision `n`) with the same batching, gzip, retries and status
 * handling. Its WriteApi is not used: its batching, buffer and retries would fight the Rx pipeline's,
 * which own them here.
 */
export function influxSink(target: InfluxTarget): LineSink {
  const https = target.url.startsWith('https:');
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: 4 })
    : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  const influx = new InfluxDB({
    url: target.url,
    ...(target.token && !target.v1 ? { token: target.token } : {}),
    timeout: target.timeoutMs ?? 10_000,
    transportOptions: { agent },
  });
  const { path, description, auth } = endpoint(target);
  return {
    description,
    gzip: target.compression !== false,
    write: (chunk: Chunk) =>
      new Observable<void>((subscriber) => {
        const abort = new AbortController();
        // No gzipThreshold: a gzipped chunk goes out as it is, its encoding named.
        const headers = {
          ...auth,
          'content-type': 'text/plain; charset=utf-8',
          ...(chunk.gzip ? { 'content-encoding': 'gzip' } : {}),
        };
        drained(post(influx.transport, path, chunk.body, { method: 'POST', headers, signal: abort.signal })).then(
          () => {
            subscriber.next();
            subscriber.complete();
          },
          (error: unknown) => subscriber.error(error),
        );
        return () => {
          if (!subscriber.closed) abort.abort();
        };
      }),
    close: () => agent.destroy(),
  };
}
