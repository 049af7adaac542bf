import { type Observable, type OperatorFunction, type SchedulerLike, identity, merge, share, tap } from 'rxjs';
import type { Config } from '../config/keys.js';
import { type AlertReceiver, alertReceiver } from '../deliver/alert/alertReceiver.js';
import type { TagsOf } from '../deliver/alert/alertLabels.js';
import type { AlertQueue } from '../deliver/alert/alertQueue.js';
import { resendFiring } from '../deliver/alert/resendFiring.js';
import { sendAlerts } from '../deliver/alert/sendAlerts.js';
import type { AlertNotice } from '../model/alert.js';
import type { AlertDeliveryEvent } from '../model/alertDelivery.js';
import type { Logger } from '../model/logger.js';

/** The receivers the configuration names: Alertmanager's API (ALERTMANAGER_URL), a webhook (ALERT_WEBHOOK_URL). */
export function alertReceiversFor(config: Config, tagsOf: TagsOf): AlertReceiver[] {
  const receivers: AlertReceiver[] = [];
  if (config.alertmanagerUrl !== undefined)
    receivers.push(alertReceiver({ kind: 'alertmanager', url: config.alertmanagerUrl }, { tagsOf }));
  if (config.alertWebhookUrl !== undefined) {
    const token = config.alertWebhookToken;
    receivers.push(
      alertReceiver(
        {
          kind: 'webhook',
          url: config.alertWebhookUrl,
          format: config.alertWebhookFormat,
          ...(config.alertTelegramChatId !== undefined && { chatId: config.alertTelegramChatId }),
        },
        { tagsOf, ...(token !== undefined && { headers: { authorization: `Bearer ${token}` } }) },
      ),
    );
  }
  return receivers;
}

/**
 * The notices to every receiver, each through its own `sendAlerts` (its queue, retries and
 * backoff), so that one that fails or hangs holds up only its own notices. Alertmanager is
 * also told its firing alerts again each minute (`resendFiring`): it resolves one it has not
 * heard of for its resolve_timeout.
 *
 * ```
 * notices:      -a----b----|
 * alertmanager: --S-----S---S|   (S: alerts-sent, each receiver's own)
 * webhook:      ---S-----S--|
 * ```
 *
 * `ended` is told each receiver's name once its notices are all delivered or dropped. `queues`
 * are the receivers' queues by name, kept by the caller (what they hold is saved, and what a
 * stop left is sent first); `firing`, the alerts a restored state has firing, Alertmanager's to
 * be told again.
 */
export function deliverAlerts(
  receivers: readonly AlertReceiver[],
  log: Logger,
  scheduler: SchedulerLike,
  options: {
    readonly ended?: (receiver: string) => void;
    readonly queues?: ReadonlyMap<string, AlertQueue>;
    readonly firing?: readonly AlertNotice[];
  } = {},
): OperatorFunction<AlertNotice, AlertDeliveryEvent> {
  return (notices$: Observable<AlertNotice>) => {
    const shared$ = notices$.pipe(share());
    return merge(
      ...receivers.map((receiver) => {
        const queue = options.queues?.get(receiver.name);
        return shared$.pipe(
          receiver.name === 'alertmanager' ? resendFiring(undefined, scheduler, options.firing) : identity,
          sendAlerts(receiver, { log, ...(queue && { queue }) }, scheduler),
          tap({ complete: () => options.ended?.(receiver.name) }),
        );
      }),
    );
  };
}
