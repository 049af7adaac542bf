import { once } from 'node:events';
import { type IncomingMessage, type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * A pass-through for /api/v2/write in front of the real database: forwards each request as it
 * came, and on the way reads the points' timestamps to measure lag (arrival - `read`). With
 * `down` set it cuts connections instead, as a database that went away.
 */
export class WriteProxy {
  down = false;
  points = 0;
  private lags: number[] = [];
  private server: Server | undefined;
  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      if (this.down) return void req.socket.destroy();
      const chunks: Buffer[] = [];
      req
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', () => {
          const body = Buffer.concat(chunks);
          this.measure(req, body);
          const upstream = request(
            `${this.target}${req.url}`,
            { method: 'POST', headers: req.headers },
            (answer: IncomingMessage) => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
            },
          );
          upstream.on('error', () => res.writeHead(502).end());
          upstream.end(body);
        });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private measure(req: IncomingMessage, body: Buffer): void {
    const now = Date.now();
    const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
    let start = 0;
    let n = 0;
    for (let end = text.indexOf('\n'); start < text.length; end = text.indexOf('\n', start)) {
      const line = text.slice(start, end < 0 ? text.length : end);
      // every 10th point's lag is plenty for percentiles
      if (n++ % 10 === 0) this.lags.push(now - Number(line.slice(line.lastIndexOf(' ') + 1)) / 1e6);
      start = end < 0 ? text.length : end + 1;
    }
    this.points += n;
  }

  /** Lag percentiles in ms since the last call. */
  takeLags(): { p50: number; p99: number; max: number } {
    const lags = this.lags.sort((a, b) => a - b);
    this.lags = [];
    const at = (q: number): number => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? Number.NaN;
    return { p50: at(0.5), p99: at(0.99), max: lags.at(-1) ?? Number.NaN };
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
