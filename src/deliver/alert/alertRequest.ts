import type { AlertNotice } from '../../model/alert.js';
import type { TagsOf } from './alertLabels.js';

/** One POST to a receiver: its body and the headers of its format (Content-Type, ntfy's Title ...). */
export interface AlertRequest {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What a format may need beyond the notices. */
export interface FormatContext {
  /** When the batch is sent (ms): a resolved notice without `endsAt` ends then. */
  readonly now: number;
  /** The container's tags as labels (TAG_LABELS ...); default `defaultTags`. */
  readonly tagsOf?: TagsOf;
  /** A link back to the source of the alerts (the daemon's /metrics, a dashboard). */
  readonly generatorURL?: string;
  /** The Alertmanager webhook body's `externalURL` and `receiver`. */
  readonly externalURL?: string;
  readonly receiver?: string;
  /** Telegram's chat (`telegramTarget`). */
  readonly chatId?: string;
}

/** A format: pure, notices to one request. */
export type AlertFormatter = (notices: readonly AlertNotice[], context: FormatContext) => AlertRequest;

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;
