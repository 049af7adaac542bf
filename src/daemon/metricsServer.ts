import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { Registry } from 'prom-client';
import type { Exposition } from '../deliver/pointSink.js';
import type { ProbeAnswer } from './liveness.js';
import { sendMetrics } from './sendMetrics.js';

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
      `cannot serve /metrics and the probes: port ${port} ${why}; set METRICS_PORT (--metrics-port) to a free port, or 0 to turn them off`,
    );
    this.name = 'MetricsPortError';
  }
}

/** The two probes: is the process alive (restart it if not), is the pipeline delivering. */
export interface Probes {
  readonly live: () => ProbeAnswer;
  readonly ready: () => ProbeAnswer;
}

/**
 * The probe paths. /healthz is liveness too: probes written before /livez existed keep working,
 * and no longer restart the collector during a database outage (README, "Operating it").
 */
export const PROBE_PATHS: Readonly<Record<string, keyof Probes>> = {
  '/livez': 'live',
  '/healthz': 'live',
  '/readyz': 'ready',
};

/** Prometheus's longest scrape timeout is its interval; no scraper waits a minute for a read. */
const IDLE_MS = 60_000;

/**
 * Serves GET /metrics (Prometheus text), GET /livez and /healthz (liveness) and GET /readyz
 * (readiness): 200, or 503 with the reasons. Resolves once it listens; rejects with a
 * MetricsPortError when it cannot.
 */
export async function metricsServer(
  port: number,
  registry: Registry,
  probes: Probes,
  /** More series for /metrics, after the registry's (the containers', EXPOSE_CONTAINER_METRICS). */
  exposition?: () => Exposition,
  /** A connection that reads nothing for this long is closed; default 60 s. */
  idleMs = IDLE_MS,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const probe = PROBE_PATHS[path];
    if (path === '/metrics') {
      registry
        .metrics()
        .then((text) => sendMetrics(req, res, registry.contentType, text, exposition?.()))
        .catch((error: unknown) => {
          // A failed render (or registry) answers 500, or cuts a body already begun: never an unhandled rejection.
          if (res.headersSent) res.destroy();
          else res.writeHead(500).end(`rendering /metrics failed: ${(error as Error)?.name ?? 'error'}\n`);
        });
    } else if (probe !== undefined) {
      const { ok, reasons } = probes[probe]();
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ok ? 'ok' : 'unhealthy', reasons }));
    } else res.writeHead(404).end('not found: try /metrics, /livez or /readyz\n');
  });
  // A scraper that stops reading would hold its body (a lent buffer of up to tens of MB at 10,000
  // containers) for ever: its socket is closed once idle, which gives the buffer back.
  server.setTimeout(idleMs);
  server.listen(port);
  try {
    await once(server, 'listening');
  } catch (error) {
    throw new MetricsPortError(port, error as NodeJS.ErrnoException);
  }
  return server;
}
