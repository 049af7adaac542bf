import * as t from 'io-ts';
import { WEBHOOK_FORMATS } from '../deliver/alert/alertFormats.js';
import { duration } from './alertDuration.js';
import { httpUrl, oneOf, optional, text } from './inputCodecs.js';
import { key } from './keySpec.js';

/** A duration key (`90s`, `5m`, `1h`) as ms; unset: the rules' own. */
const durationKey = new t.Type<number | undefined, number | undefined, unknown>(
  duration.name,
  (u): u is number | undefined => u === undefined || duration.is(u),
  (u, c) => (u === undefined ? t.success(undefined) : duration.validate(u, c)),
  t.identity,
);

/**
 * Alerting (README, "Alerts"): the rule file and where notices go. With ALERT_WEBHOOK_URL or
 * ALERTMANAGER_URL set the default rules are on. Part of the one key table (keys.ts).
 */
export const ALERT_KEYS = {
  alertRules: key({
    codec: optional(text),
    env: 'ALERT_RULES',
    flag: '--alert-rules',
    default: undefined,
    doc: 'a YAML or JSON file of alert rules, added to the default ones (a rule of the same name replaces one; `enabled: false` turns it off); without a receiver, its alerts are only written and shown',
  }),
  alertmanagerUrl: key({
    codec: optional(httpUrl),
    env: 'ALERTMANAGER_URL',
    flag: '--alertmanager-url',
    default: undefined,
    doc: "a Prometheus Alertmanager's base URL: alerts are posted to its /api/v2/alerts (credentials in it shown as ***)",
    urlCredentials: true,
  }),
  alertWebhookUrl: key({
    codec: optional(httpUrl),
    env: 'ALERT_WEBHOOK_URL',
    flag: '--alert-webhook-url',
    default: undefined,
    doc: 'a URL alerts are posted to in ALERT_WEBHOOK_FORMAT (never logged but its origin: Slack, Discord and Telegram URLs hold a token)',
    secret: true,
  }),
  alertWebhookFormat: key({
    codec: oneOf(...WEBHOOK_FORMATS),
    env: 'ALERT_WEBHOOK_FORMAT',
    flag: '--alert-webhook-format',
    default: 'alertmanager',
    doc: "the webhook's body: alertmanager (Alertmanager's webhook JSON), slack, discord, ntfy or telegram",
  }),
  alertTelegramChatId: key({
    codec: optional(text),
    env: 'ALERT_TELEGRAM_CHAT_ID',
    flag: '--alert-telegram-chat-id',
    default: undefined,
    doc: "ALERT_WEBHOOK_FORMAT=telegram: the chat to post to (else the URL's `chat_id` parameter)",
  }),
  alertWebhookToken: key({
    codec: optional(text),
    env: 'ALERT_WEBHOOK_TOKEN',
    flag: '--alert-webhook-token',
    default: undefined,
    doc: 'a bearer token sent to the webhook as `Authorization: Bearer` (ntfy with access control, a proxy); never logged',
    secret: true,
  }),
  alertWebhookTokenFile: key({
    codec: optional(text),
    env: 'ALERT_WEBHOOK_TOKEN_FILE',
    flag: '--alert-webhook-token-file',
    default: undefined,
    doc: 'file holding ALERT_WEBHOOK_TOKEN (e.g. a Docker or Kubernetes secret)',
  }),
  alertRepeatInterval: key({
    codec: durationKey,
    env: 'ALERT_REPEAT_INTERVAL',
    flag: '--alert-repeat-interval',
    default: undefined,
    doc: "a firing alert is told again at least this often (30s, 5m, 1h), whatever its rule's `repeat_interval` (default 4h)",
  }),
};
