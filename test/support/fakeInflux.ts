import { once } from 'node:events';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface Received {
  readonly at: number;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly lines: string[];
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Cut the connection instead of answering (a network error). */
  readonly hangUp?: boolean;
}

/**
 * A real HTTP server on loopback that answers /api/v2/write as the test tells it (status,
 * Retry-After, body), to drive the writer through the status matrix. Records every request.
 */
export class ScriptedInflux {
  readonly received: Received[] = [];
  private server: Server | undefined;
  constructor(public reply: (request: Received) => Reply) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        const request: Received = {
          at: Date.now(),
          url: req.url ?? '',
          headers: req.headers,
          lines: text.split('\n').filter((l) => l !== ''),
        };
        this.received.push(request);
        const reply = this.reply(request);
        if (reply.hangUp) return void req.socket.destroy();
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body ?? '');
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
