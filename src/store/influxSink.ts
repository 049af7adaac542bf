import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { InfluxDB } from '@influxdata/influxdb-client';

/** Where points go: InfluxDB 2's /api/v2/write (or anything that speaks it, e.g. VictoriaMetrics). */
export interface InfluxTarget {
  readonly url: string;
  readonly token?: string;
  readonly org: string;
  readonly bucket: string;
  /** gzip request bodies (over 1 kB); default on. */
  readonly compression?: boolean;
  readonly timeoutMs?: number;
}

/** Writes one line-protocol body; rejects with the client's HttpError (statusCode, headers, body). */
export interface LineSink {
  write(body: string): Promise<void>;
  /** For logs and errors: the URL, org and bucket, never the token. */
  readonly description: string;
  close(): void;
}

/**
 * The InfluxDB adapter: @influxdata/influxdb-client's HTTP transport (keep-alive agent, token
 * header, gzip over 1 kB, timeouts, HttpError with status and headers) posting to
 * /api/v2/write with precision ns. Its WriteApi is not used: its batching, buffer and retries
 * would fight the Rx pipeline's, which own them here.
 */
export function influxSink(target: InfluxTarget): LineSink {
  const https = target.url.startsWith('https:');
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 4 }) : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  const influx = new InfluxDB({
    url: target.url,
    ...(target.token ? { token: target.token } : {}),
    timeout: target.timeoutMs ?? 10_000,
    transportOptions: { agent },
  });
  const path = `/api/v2/write?${new URLSearchParams({ org: target.org, bucket: target.bucket, precision: 'ns' })}`;
  const gzipThreshold = target.compression === false ? undefined : 1000;
  return {
    description: `${target.url} (org ${target.org}, bucket ${target.bucket})`,
    async write(body: string): Promise<void> {
      await influx.transport.request(path, body, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        ...(gzipThreshold === undefined ? {} : { gzipThreshold }),
      });
    },
    close: () => agent.destroy(),
  };
}
