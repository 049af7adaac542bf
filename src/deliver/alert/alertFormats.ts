import type { AlertFormatter } from './alertRequest.js';
import { webhookAlertmanager } from './webhookAlertmanager.js';
import { webhookDiscord } from './webhookDiscord.js';
import { webhookNtfy } from './webhookNtfy.js';
import { webhookSlack } from './webhookSlack.js';
import { webhookTelegram } from './webhookTelegram.js';

/** ALERT_WEBHOOK_FORMAT's values; `alertmanager`, the default, is Alertmanager's webhook body. */
export const WEBHOOK_FORMATS = ['alertmanager', 'slack', 'discord', 'ntfy', 'telegram'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const webhookFormatters: Readonly<Record<WebhookFormat, AlertFormatter>> = {
  alertmanager: webhookAlertmanager,
  slack: webhookSlack,
  discord: webhookDiscord,
  ntfy: webhookNtfy,
  telegram: webhookTelegram,
};
