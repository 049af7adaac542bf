import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OperatorFunction } from 'rxjs';
import { lineProtocolSink } from '../../src/app/lineProtocolSink.js';
import { remoteWriteLines } from '../../src/app/remoteWritePoints.js';
import { PointBuffer } from '../../src/deliver/pointBuffer.js';
import type { PointSink } from '../../src/deliver/pointSink.js';
import { remoteWriteSink } from '../../src/deliver/remoteWriteSink.js';
import type { Logger } from '../../src/model/logger.js';
import type { Point } from '../../src/model/point.js';

/** Listens on a free loopback port: the remote-write URL it serves. */
export async function remoteWriteUrlOf(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}/api/v1/write`;
}

/** Three `cpu` points of one container, a second apart. */
export const threeCpuPoints: Point[] = [1, 2, 3].map((i) => ({
  measurement: 'cpu',
  tags: { container_id: 'abc', container_name: 'web' },
  fields: { usage_percent: i },
  timestamp: `${1_700_000_000_000 + i * 1000}000000`,
}));

/** The remote_write sink as sinksFor makes it, on a memory buffer, with short backoffs by default. */
export function memoryRemoteWriteSink(
  url: string,
  log: Logger,
  options: {
    readonly encode?: OperatorFunction<Point, string>;
    readonly batch?: { readonly size: number; readonly intervalMs: number };
    readonly retry?: { readonly maxRetries: number; readonly baseMs: number; readonly maxMs: number };
    readonly timeoutMs?: number;
  } = {},
): PointSink {
  return lineProtocolSink({
    name: 'remote_write',
    description: url,
    open: () => remoteWriteSink({ url, ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }) }),
    buffer: () => new PointBuffer(1e6),
    encode: options.encode ?? remoteWriteLines(),
    batch: options.batch ?? { size: 1000, intervalMs: 20 },
    retry: options.retry ?? { maxRetries: 3, baseMs: 20, maxMs: 100 },
    log,
  });
}
