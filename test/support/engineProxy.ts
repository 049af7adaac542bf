import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';

/**
 * A pass-through on a unix socket in front of the real engine, for faults the engine will not
 * make on demand: `answer` may answer a request itself with a status (a 500 on one inspect), and
 * `cutEvents()` ends every /events stream under way (the engine's stream lost while the engine
 * itself goes on). Everything else is forwarded as it came, streams included.
 */
export class EngineProxy {
  /** Called with each request's method and path; a status answers it here instead of the engine. */
  answer: (method: string, path: string) => number | undefined = () => undefined;
  readonly requests: string[] = [];
  private readonly events = new Set<ServerResponse>();
  private server: Server | undefined;

  constructor(
    readonly socketPath: string,
    private readonly target = '/var/run/docker.sock',
  ) {}

  async start(): Promise<string> {
    rmSync(this.socketPath, { force: true });
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.push(`${req.method} ${path}`);
      const status = this.answer(req.method ?? 'GET', path);
      if (status !== undefined) {
        res.writeHead(status, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ message: `the proxy answers ${status}` }));
      }
      const upstream = request(
        { socketPath: this.target, path, method: req.method, headers: req.headers },
        (answer: IncomingMessage) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          if (/^\/(v[\d.]+\/)?events/.test(path)) {
            this.events.add(res);
            res.on('close', () => this.events.delete(res));
          }
          answer.pipe(res);
          res.on('close', () => answer.destroy());
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    this.server.listen(this.socketPath);
    await once(this.server, 'listening');
    return `unix://${this.socketPath}`;
  }

  /** Ends the /events streams under way, as a connection lost. */
  cutEvents(): void {
    for (const res of this.events) res.destroy();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
    rmSync(this.socketPath, { force: true });
  }
}
