import { type Server, createServer } from 'node:http';
import type { Registry } from 'prom-client';

/** Serves GET /metrics (Prometheus text) and GET /healthz (200, or 503 with the reasons). */
export function metricsServer(port: number, registry: Registry, health: () => { ok: boolean; reasons: string[] }): Server {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    } else if (path === '/healthz') {
      const { ok, reasons } = health();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'unhealthy', reasons }));
    } else res.writeHead(404).end('not found: try /metrics or /healthz\n');
  });
  server.listen(port);
  return server;
}
