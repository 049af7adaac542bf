import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { InfluxDB } from '@influxdata/influxdb-client';
import { Observable } from 'rxjs';
import type { Chunk } from '../model/chunk.js';
import type { LineSink } from './sink.js';

/** Where points go: InfluxDB 2's /api/v2/write (or anything that speaks it, e.g. VictoriaMetrics). */
export interface InfluxTarget {
  readonly url: string;
  readonly token?: string;
  readonly org: string;
  readonly bucket: string;
  /** gzip request bodies (over 1 kB); default on. The chunks come gzipped from the batch. */
  readonly compression?: boolean;
  readonly timeoutMs?: number;
}

/**
 * The InfluxDB adapter: @influxdata/influxdb-client's HTTP transport (keep-alive agent, token
 * header, timeouts, HttpError with status and headers) posting to /api/v2/write with precision
 * ns. Its WriteApi is not used: its batching, buffer and retries would fight the Rx pipeline's,
 * which own them here.
 */
export function influxSink(target: InfluxTarget): LineSink {
  const https = target.url.startsWith('https:');
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: 4 })
    : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  const influx = new InfluxDB({
    url: target.url,
    ...(target.token ? { token: target.token } : {}),
    timeout: target.timeoutMs ?? 10_000,
    transportOptions: { agent },
  });
  const path = `/api/v2/write?${new URLSearchParams({ org: target.org, bucket: target.bucket, precision: 'ns' })}`;
  return {
    description: `${target.url} (org ${target.org}, bucket ${target.bucket})`,
    gzip: target.compression !== false,
    write: (chunk: Chunk) =>
      new Observable<void>((subscriber) => {
        let cancel: (() => void) | undefined;
        // `send`, not `request`: `request` JSON-encodes a body that is not a string, while `send`
        // copies it with Buffer.from, which takes bytes as they are (its type says string only).
        // No gzipThreshold: a gzipped chunk goes out as it is, its encoding named.
        const body = chunk.body as unknown as string;
        const headers = {
          'content-type': 'text/plain; charset=utf-8',
          ...(chunk.gzip ? { 'content-encoding': 'gzip' } : {}),
        };
        influx.transport.send(
          path,
          body,
          { method: 'POST', headers },
          {
            error: (error) => subscriber.error(error),
            complete: () => {
              subscriber.next();
              subscriber.complete();
            },
            useCancellable: (cancellable) => (cancel = () => cancellable.cancel()),
          },
        );
        return () => {
          if (!subscriber.closed) cancel?.();
        };
      }),
    close: () => agent.destroy(),
  };
}
