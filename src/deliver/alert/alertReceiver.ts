import type { IncomingHttpHeaders } from 'node:http';
import { type Observable, defer } from 'rxjs';
import type { AlertNotice } from '../../model/alert.js';
import { httpPoster } from '../httpPost.js';
import { type WebhookFormat, webhookFormatters } from './alertFormats.js';
import { alertmanagerAlerts } from './alertmanagerAlerts.js';
import type { AlertFormatter, FormatContext } from './alertRequest.js';
import { telegramTarget } from './webhookTelegram.js';

/** Where alert notices go: one endpoint, one format. */
export interface AlertReceiver {
  /** `alertmanager` or `webhook`: names the receiver in events. */
  readonly name: string;
  /** For logs: the origin and the format only; the path and query may hold a token. */
  readonly description: string;
  /** One POST of the notices per subscription: emits once and completes on a 2xx. */
  send(notices: readonly AlertNotice[]): Observable<void>;
  close(): void;
}

/** Where to send: Alertmanager's API (ALERTMANAGER_URL) or a webhook in a format (ALERT_WEBHOOK_URL). */
export type AlertTarget =
  | { readonly kind: 'alertmanager'; readonly url: string }
  | { readonly kind: 'webhook'; readonly url: string; readonly format?: WebhookFormat; readonly chatId?: string };

export interface AlertReceiverOptions extends Omit<FormatContext, 'now' | 'chatId'> {
  /** Extra headers (a token for a proxy in front of Alertmanager); their values are masked in logs. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/** A non-2xx answer, as the delivery policy reads it (`statusCode`, Retry-After in `headers`). */
export class AlertHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
  ) {
    super(`HTTP ${statusCode}${body ? `: ${body}` : ''}`);
    this.name = 'AlertHttpError';
  }
}

/** A URL's origin (scheme, host, port): all of it a log may show; no user info, path or query. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** Path words that are no secret: masking them would only garble an answer in the log. */
const PLAIN = new Set(['api', 'v2', 'alerts', 'webhooks', 'services', 'hooks', 'sendMessage', 'webhook']);

/**
 * What a URL holds that may be a secret, for masking an answer's body: the user info, every
 * query value, and each path segment of 6 characters or more (Slack's and Discord's tokens, a
 * Telegram bot's `bot<token>`, an ntfy topic), raw and decoded.
 */
export function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const segments = parsed.pathname.split('/').filter((s) => s.length >= 6 && !PLAIN.has(s));
  const values = [
    parsed.username,
    parsed.password,
    ...[...parsed.searchParams.values()],
    ...segments,
    ...segments.map((s) => decodeURIComponent(s)),
  ];
  return [...new Set(values.filter((v) => v.length >= 3))];
}

/**
 * Each header value, and its credential alone (`Bearer <token>` -> `<token>`): a receiver that
 * refuses a token may echo it bare ("invalid token <token>"), and that answer goes to the log.
 */
export function headerSecrets(headers: Readonly<Record<string, string>> = {}): string[] {
  const values = Object.values(headers);
  const credentials = values.map((v) => v.slice(v.indexOf(' ') + 1).trim()).filter((v) => v.length >= 3);
  return [...new Set([...values, ...credentials])];
}

/** `http://am:9093/` or `http://am:9093/prefix` -> `.../api/v2/alerts`. */
export const alertsEndpoint = (base: string): string => `${base.replace(/\/+$/, '')}/api/v2/alerts`;

/**
 * The HTTP edge of alert delivery: formats the notices and POSTs them over `httpPoster`
 * (keep-alive, a timeout as a network error, the answer's body masked). Telegram's target is
 * read here, so that a URL without its chat fails at start.
 */
export function alertReceiver(target: AlertTarget, options: AlertReceiverOptions = {}): AlertReceiver {
  let url = target.url;
  let format: AlertFormatter = alertmanagerAlerts;
  let chatId: string | undefined;
  let formatName = 'alertmanager API';
  if (target.kind === 'alertmanager') url = alertsEndpoint(target.url);
  else {
    const name = target.format ?? 'alertmanager';
    format = webhookFormatters[name];
    formatName = `${name} webhook`;
    if (name === 'telegram') ({ url, chatId } = telegramTarget(target.url, target.chatId));
  }
  const poster = httpPoster(url, {
    headers: { 'user-agent': 'docker-stats-service', ...options.headers },
    timeoutMs: options.timeoutMs ?? 10_000,
    what: `alert receiver ${originOf(url)}`,
    answerError: (status, headers, body) => new AlertHttpError(status, headers, body),
    secrets: [...urlSecrets(target.url), ...headerSecrets(options.headers)],
  });
  const now = options.now ?? Date.now;
  return {
    name: target.kind,
    description: `${originOf(url)} (${formatName})`,
    send: (notices) =>
      defer(() => {
        const request = format(notices, { ...options, now: now(), ...(chatId ? { chatId } : {}) });
        return poster.post(request.body, request.headers);
      }),
    close: () => poster.close(),
  };
}
