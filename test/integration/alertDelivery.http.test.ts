import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subject, interval, lastValueFrom, of, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertReceiverOptions, type AlertTarget, alertReceiver } from '../../src/deliver/alert/alertReceiver.js';
import { sendAlerts } from '../../src/deliver/alert/sendAlerts.js';
import type { AlertNotice } from '../../src/model/alert.js';
import type { AlertDeliveryEvent } from '../../src/model/alertDelivery.js';
import { firing, resolved } from '../support/alertNotices.js';
import { captureLogger } from '../support/captureLogger.js';
import { type Reply, ScriptedInflux } from '../support/fakeInflux.js';
import { eventually } from '../support/realEngine.js';

const servers: ScriptedInflux[] = [];
const raw: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const server of raw.splice(0)) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

// A Slack-like path: the token lives in it, and must never reach a log.
const TOKEN = 'xoxTOKENnever-logged-123456';
const fast = { baseMs: 20, maxMs: 80 };

async function deliver(
  script: (n: number) => Reply,
  notices: AlertNotice[],
  target: (base: string) => AlertTarget = (base) => ({ kind: 'webhook', url: `${base}/services/T1/B2/${TOKEN}` }),
  retry: { maxRetries?: number } = {},
  options: AlertReceiverOptions = {},
) {
  let n = 0;
  const server = new ScriptedInflux(() => script(n++));
  servers.push(server);
  const base = await server.start();
  const log = captureLogger();
  const receiver = alertReceiver(target(base), options);
  const events = await lastValueFrom(
    of(...notices).pipe(sendAlerts(receiver, { windowMs: 10, log, retry: { ...fast, ...retry } }), toArray()),
  );
  receiver.close();
  return { server, events, log, base };
}
const types = (events: AlertDeliveryEvent[]) => events.map((e) => e.type);
const bodyOf = (server: ScriptedInflux, i: number): any => JSON.parse(server.received[i]!.lines.join('\n'));

describe('alert delivery against a scripted HTTP server on loopback', () => {
  it('2xx: one POST of the notices that came together, the Alertmanager webhook body by default', async () => {
    const { server, events } = await deliver(() => ({ status: 200 }), [firing('a'), firing('b')]);
    expect(types(events)).toEqual(['alerts-sent']);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.url).toBe(`/services/T1/B2/${TOKEN}`);
    expect(server.received[0]!.headers['content-type']).toBe('application/json');
    const body = bodyOf(server, 0);
    expect([body.version, body.alerts.length]).toEqual(['4', 2]);
  });

  it('5xx, 429 and network errors are retried until accepted; Retry-After is honoured', async () => {
    const replies: Reply[] = [
      { status: 503 },
      { status: 0, hangUp: true },
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 200 },
    ];
    const { server, events } = await deliver((n) => replies[n] ?? { status: 200 }, [firing('a')]);
    expect(types(events)).toEqual(['alerts-retried', 'alerts-retried', 'alerts-retried', 'alerts-sent']);
    expect(server.received).toHaveLength(4);
    const waits = events.filter((e) => e.type === 'alerts-retried').map((e) => e.delayMs);
    expect(waits[2]).toBeGreaterThanOrEqual(1000);
  });

  it('400 / 401 / 403 / 404 / 422: dropped at once, logged with the answer masked and only the origin', async () => {
    for (const status of [400, 401, 403, 404, 422]) {
      const echo = `bad request to /services/T1/B2/${TOKEN}`;
      const { server, events, log, base } = await deliver(() => ({ status, body: echo }), [firing('a')]);
      expect(server.received).toHaveLength(1);
      expect(events).toEqual([
        expect.objectContaining({ type: 'alerts-dropped', reason: 'rejected', notices: 1, detail: expect.any(String) }),
      ]);
      const errors = log.entries.filter((e) => e.level === 'error');
      expect(errors).toHaveLength(1);
      const text = JSON.stringify(log.entries);
      expect(text).toContain(`HTTP ${status}`);
      expect(text).toContain(`"receiver":"${base} (alertmanager webhook)"`);
      expect(text).toContain('/services/T1/B2/***');
      expect(text).not.toContain(TOKEN);
    }
  });

  it('a bearer token (ALERT_WEBHOOK_TOKEN) echoed bare in an answer is masked too', async () => {
    const bearer = 'tk_bearer-never-logged-789';
    const { events, log } = await deliver(
      () => ({ status: 401, body: `invalid token ${bearer}` }),
      [firing('a')],
      undefined,
      {},
      { headers: { authorization: `Bearer ${bearer}` } },
    );
    expect(events).toEqual([expect.objectContaining({ type: 'alerts-dropped', reason: 'rejected' })]);
    const text = JSON.stringify(log.entries);
    expect(text).toContain('invalid token ***');
    expect(text).not.toContain(bearer);
  });

  it('retries spent: the batch is dropped, told and logged, the token nowhere', async () => {
    const { events, log } = await deliver(() => ({ status: 502, body: TOKEN }), [firing('a')], undefined, {
      maxRetries: 2,
    });
    expect(types(events)).toEqual(['alerts-retried', 'alerts-retried', 'alerts-dropped']);
    expect(events[2]).toMatchObject({ reason: 'retries_exhausted' });
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(1); // the outage once, not each retry
    expect(JSON.stringify(log.entries)).not.toContain(TOKEN);
  });

  it('each format posts where and what its service takes', async () => {
    const formats = [
      ['slack', '/services/T1/B2/x', 'application/json', (b: string) => JSON.parse(b).text],
      ['discord', '/api/webhooks/1/x', 'application/json', (b: string) => JSON.parse(b).content],
      ['ntfy', '/alerts-topic', 'text/plain; charset=utf-8', (b: string) => b],
      ['telegram', '/bot1:x/sendMessage', 'application/json', (b: string) => JSON.parse(b).text],
    ] as const;
    for (const [format, path, type, text] of formats) {
      const url = (base: string) => `${base}${format === 'telegram' ? '/bot1:x?chat_id=42' : path}`;
      const { server } = await deliver(
        () => ({ status: 200 }),
        [firing('a')],
        (base) => ({
          kind: 'webhook',
          url: url(base),
          format,
        }),
      );
      const request = server.received[0]!;
      expect([request.url, request.headers['content-type']]).toEqual([path, type]);
      expect(text(request.lines.join('\n'))).toMatch(/FIRING.*hot on a/);
    }
  });

  it('a receiver that never answers blocks nothing: the caller goes on, the request times out', async () => {
    const hung: IncomingMessage[] = [];
    const server = createServer((req: IncomingMessage, _res: ServerResponse) => void hung.push(req));
    raw.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const log = captureLogger();
    const receiver = alertReceiver({ kind: 'webhook', url: `${base}/hook/${TOKEN}` }, { timeoutMs: 300 });
    const notices = new Subject<AlertNotice>();
    const events: AlertDeliveryEvent[] = [];
    const delivery = notices
      .pipe(sendAlerts(receiver, { windowMs: 10, maxQueue: 50, log, retry: fast }))
      .subscribe((e) => events.push(e));
    // the metrics' stand-in: a timer on the same event loop
    let ticks = 0;
    const metrics = interval(20).subscribe(() => ticks++);
    try {
      for (let i = 0; i < 200; i++) notices.next(firing(`c${i}`)); // returns at once, the receiver hanging
      notices.next(resolved(firing('c199')));
      expect(await eventually(() => hung.length >= 2 && ticks >= 10)).toBe(true);
      expect(events.some((e) => e.type === 'alerts-retried' && /no answer/.test(e.reason))).toBe(true);
      const dropped = events.filter((e) => e.type === 'alerts-dropped').reduce((n, e) => n + e.notices, 0);
      expect(dropped).toBe(150); // 200 firing into a queue of 50; c199's resolved took its place
      expect(JSON.stringify(log.entries)).not.toContain(TOKEN);
    } finally {
      metrics.unsubscribe();
      delivery.unsubscribe();
      receiver.close();
    }
  });
});
