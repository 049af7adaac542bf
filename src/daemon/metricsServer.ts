import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { Registry } from 'prom-client';

/** The /metrics port could not be listened on (in use, or not allowed). */
export class MetricsPortError extends Error {
  constructor(
    readonly port: number,
    override readonly cause: NodeJS.ErrnoException,
  ) {
    const why =
      cause.code === 'EADDRINUSE'
        ? 'is in use'
        : cause.code === 'EACCES'
          ? 'may not be used by this user'
          : `fails (${cause.code ?? cause.message})`;
    super(
      `cannot serve /metrics and /healthz: port ${port} ${why}; set METRICS_PORT (--metrics-port) to a free port, or 0 to turn them off`,
    );
    this.name = 'MetricsPortError';
  }
}

/**
 * Serves GET /metrics (Prometheus text) and GET /healthz (200, or 503 with the reasons). Resolves
 * once it listens; rejects with a MetricsPortError when it cannot.
 */
export async function metricsServer(
  port: number,
  registry: Registry,
  health: () => { ok: boolean; reasons: string[] },
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    } else if (path === '/healthz') {
      const { ok, reasons } = health();
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ok ? 'ok' : 'unhealthy', reasons }));
    } else res.writeHead(404).end('not found: try /metrics or /healthz\n');
  });
  server.listen(port);
  try {
    await once(server, 'listening');
  } catch (error) {
    throw new MetricsPortError(port, error as NodeJS.ErrnoException);
  }
  return server;
}
