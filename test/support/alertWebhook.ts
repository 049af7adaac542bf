import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One alert of an Alertmanager webhook body, as it arrived, with the time it arrived (ms). */
export interface ReceivedAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly receivedAt: number;
  /** The request's Authorization header. */
  readonly authorization: string | undefined;
}

/**
 * A local HTTP receiver of the Alertmanager webhook format (ALERT_WEBHOOK_FORMAT's default, and
 * what an Alertmanager's webhook_configs posts): it answers 200 and keeps every alert it is told,
 * or 503 (Retry-After: 3) to the next `refuseNext` POSTs.
 */
export class AlertWebhook {
  readonly alerts: ReceivedAlert[] = [];
  /** The next this many POSTs are answered 503, their alerts not kept. */
  refuseNext = 0;
  /** POSTs answered 503 so far. */
  refused = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        if (this.refuseNext > 0) {
          this.refuseNext--;
          this.refused++;
          res.writeHead(503, { 'retry-after': '3' });
          return void res.end('refused');
        }
        const receivedAt = Date.now();
        try {
          const parsed = JSON.parse(body) as { alerts?: Omit<ReceivedAlert, 'receivedAt' | 'authorization'>[] };
          for (const a of parsed.alerts ?? [])
            this.alerts.push({ ...a, receivedAt, authorization: req.headers.authorization });
        } catch {
          // not a webhook body: nothing kept
        }
        res.end('ok');
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** The alerts told of a rule on a container, in the order they came. */
  of(rule: string, container: string, status?: 'firing' | 'resolved'): ReceivedAlert[] {
    return this.alerts.filter(
      (a) => a.labels.alertname === rule && a.labels.container_name === container && (!status || a.status === status),
    );
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
