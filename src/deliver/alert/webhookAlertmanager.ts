import type { AlertNotice } from '../../model/alert.js';
import { postableAlert } from './alertmanagerAlerts.js';
import { type AlertRequest, type FormatContext, JSON_HEADERS } from './alertRequest.js';
import { fingerprint } from './fingerprint.js';

/** Alertmanager's "no end" time, which its webhook sends as a firing alert's `endsAt`. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** One alert of the webhook body. */
export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

/** The body Alertmanager's webhook receiver POSTs (version 4): what existing receivers parse. */
export interface WebhookBody {
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Record<string, string>;
  readonly commonLabels: Record<string, string>;
  readonly commonAnnotations: Record<string, string>;
  readonly externalURL: string;
  readonly alerts: WebhookAlert[];
}

/** The pairs every record holds with the same value. */
function common(records: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = records;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((r) => r[k] === v)));
}

/** `{alertname="hot"}`: a label set as Alertmanager writes it in a group key. */
const labelSet = (labels: Record<string, string>): string =>
  `{${Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(',')}}`;

/**
 * The notices as Alertmanager's webhook would send them: a batch is one group, grouped by
 * `alertname` when one rule made all of it (else by nothing); `status` is `firing` while any
 * alert of it fires. A receiver made for Alertmanager reads it as it is.
 */
export function webhookBody(notices: readonly AlertNotice[], context: FormatContext): WebhookBody {
  const alerts = notices.map((notice): WebhookAlert => {
    const { labels, annotations, startsAt, endsAt } = postableAlert(notice, context);
    return {
      status: notice.status,
      labels,
      annotations,
      startsAt,
      endsAt: endsAt ?? ZERO_TIME,
      generatorURL: context.generatorURL ?? '',
      fingerprint: fingerprint(labels),
    };
  });
  const commonLabels = common(alerts.map((a) => a.labels));
  const groupLabels: Record<string, string> =
    commonLabels.alertname !== undefined ? { alertname: commonLabels.alertname } : {};
  return {
    version: '4',
    groupKey: `{}:${labelSet(groupLabels)}`,
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: context.receiver ?? 'docker-stats-service',
    groupLabels,
    commonLabels,
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: context.externalURL ?? '',
    alerts,
  };
}

export const webhookAlertmanager = (notices: readonly AlertNotice[], context: FormatContext): AlertRequest => ({
  body: JSON.stringify(webhookBody(notices, context)),
  headers: JSON_HEADERS,
});
