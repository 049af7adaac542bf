import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { Agent, type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';

/** A request as the proxy saw it, for a fault to decide on. */
export interface ProxiedRequest {
  readonly method: string;
  /** The path without the API version prefix, e.g. `/containers/abc/json?`. */
  readonly path: string;
  /** The container an inspect (GET /containers/<id>/json) is for, else undefined. */
  readonly inspected?: string;
}

export interface FaultyEngineProxyOptions {
  /** Where the proxy listens (a unix socket path; removed first and at stop). */
  readonly socketPath: string;
  /** The real engine's socket (default /var/run/docker.sock). */
  readonly upstream?: string;
  /** A status to answer instead of passing the request on (e.g. 500), or undefined to pass it. */
  readonly fault?: Fault;
}

/** Decides on a request: a status to answer with instead of the engine, or undefined to pass it on. */
export type Fault = (request: ProxiedRequest, nthInspect: number) => number | undefined;

const INSPECT = /^(?:\/v[\d.]+)?\/containers\/([^/?]+)\/json(?:\?|$)/;

/**
 * A unix socket in front of the real engine that passes every request through, streams included,
 * counts the inspects per container, and answers a chosen request with an error status instead
 * (fault injection: `fault` sees the request and how many inspects its container has had,
 * counting this one; it may be changed while the proxy runs), and `cutEvents()` ends the /events
 * streams under way (the stream lost while the engine goes on), and `holdEvents()` stops reading
 * them (a reader fallen behind). The engine behind is the real one: only the faults are made up.
 */
export class FaultyEngineProxy {
  /** Inspects (GET /containers/<id-or-name>/json) per container, as the client named it. */
  readonly inspects = new Map<string, number>();
  /** Requests answered with a fault, as `METHOD path status`. */
  readonly faults: string[] = [];
  /** What to answer instead of the engine; starts as the options' `fault`. */
  fault: Fault;
  private readonly events = new Set<ServerResponse>();
  /** The engine's /events answers, each with the client's response it is piped into. */
  private readonly upstreamEvents = new Map<IncomingMessage, ServerResponse>();
  private server: Server | undefined;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly options: FaultyEngineProxyOptions) {
    this.fault = options.fault ?? (() => undefined);
  }

  get socketPath(): string {
    return this.options.socketPath;
  }

  /** `unix://<socket>`, for DOCKER_HOST. */
  get dockerHost(): string {
    return `unix://${this.options.socketPath}`;
  }

  async start(): Promise<this> {
    rmSync(this.options.socketPath, { force: true });
    this.server = createServer((req, res) => {
      const url = req.url ?? '/';
      const inspected = req.method === 'GET' ? INSPECT.exec(url)?.[1] : undefined;
      const n = inspected === undefined ? 0 : (this.inspects.get(inspected) ?? 0) + 1;
      if (inspected !== undefined) this.inspects.set(inspected, n);
      const path = url.replace(/^\/v[\d.]+/, '');
      const status = this.fault({ method: req.method ?? 'GET', path, inspected }, n);
      if (status !== undefined) {
        this.faults.push(`${req.method} ${path} ${status}`);
        res.writeHead(status, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ message: `injected fault: ${status}` }));
      }
      const upstream = request(
        {
          socketPath: this.options.upstream ?? '/var/run/docker.sock',
          path: url,
          method: req.method,
          headers: req.headers,
          agent: this.agent,
        },
        (answer: IncomingMessage) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.flushHeaders(); // an event stream's headers come before its first event, as from the engine
          if (path.startsWith('/events')) {
            this.events.add(res);
            this.upstreamEvents.set(answer, res);
            res.on('close', () => (this.events.delete(res), this.upstreamEvents.delete(answer)));
          }
          answer.pipe(res);
          res.on('close', () => answer.destroy()); // the client left: so does the stream behind
        },
      );
      upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
      req.pipe(upstream);
    });
    this.server.listen(this.options.socketPath);
    await once(this.server, 'listening');
    return this;
  }

  /** Ends the /events streams under way, as a connection lost. */
  cutEvents(): void {
    for (const res of this.events) res.destroy();
  }

  /**
   * Stops reading the engine's /events answers under way, as a client starved of CPU does: the
   * engine's socket fills, then its 1,024-event queue for the stream, and it drops the rest.
   */
  holdEvents(): void {
    for (const [answer, res] of this.upstreamEvents) {
      answer.unpipe(res);
      answer.pause();
    }
  }

  /** Reads the held /events answers again: what the engine kept of them comes, late. */
  releaseEvents(): void {
    for (const [answer, res] of this.upstreamEvents) answer.pipe(res);
  }

  /** Inspects of these containers (by id), one number each. */
  inspectsOf(ids: readonly string[]): number[] {
    return ids.map((id) => this.inspects.get(id) ?? 0);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => (this.server ? this.server.close(r) : r(undefined)));
    this.agent.destroy();
    rmSync(this.options.socketPath, { force: true });
  }
}
