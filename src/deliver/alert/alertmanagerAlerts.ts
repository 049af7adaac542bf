import type { AlertNotice } from '../../model/alert.js';
import { alertAnnotations, alertLabels } from './alertLabels.js';
import { type AlertRequest, type FormatContext, JSON_HEADERS } from './alertRequest.js';
import { rfc3339 } from './alertText.js';

/** An alert as Alertmanager's v2 API takes it (POST /api/v2/alerts, `postableAlerts`). */
export interface PostableAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt?: string;
  readonly generatorURL?: string;
}

/**
 * A notice as a postable alert. A resolved one ends at its `endsAt` (or now), which is how
 * Alertmanager learns it resolved; a firing one has no `endsAt`, so Alertmanager keeps it for
 * its `resolve_timeout` from each post.
 */
export function postableAlert(notice: AlertNotice, context: FormatContext): PostableAlert {
  return {
    labels: alertLabels(notice, context.tagsOf),
    annotations: alertAnnotations(notice),
    startsAt: rfc3339(notice.startsAt),
    ...(notice.status === 'resolved' ? { endsAt: rfc3339(notice.endsAt ?? context.now) } : {}),
    ...(context.generatorURL ? { generatorURL: context.generatorURL } : {}),
  };
}

/** The body of POST /api/v2/alerts: a JSON array of postable alerts, one per notice. */
export const alertmanagerAlerts = (notices: readonly AlertNotice[], context: FormatContext): AlertRequest => ({
  body: JSON.stringify(notices.map((notice) => postableAlert(notice, context))),
  headers: JSON_HEADERS,
});
