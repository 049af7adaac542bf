import type { AlertNotice } from '../../model/alert.js';
import type { AlertRequest } from './alertRequest.js';
import { cutBytes, cutText, noticeLine, oneLine, statusWord } from './alertText.js';

/** ntfy keeps a message up to 4096 bytes; a longer one becomes an attachment. */
export const NTFY_BODY_MAX = 4096;
/** A title longer than a phone's notification line is noise. */
const TITLE_MAX = 200;

/** ntfy's priorities: 5 urgent, 4 high, 3 default; a resolved alert never needs more than default. */
const PRIORITY: Readonly<Record<string, number>> = { critical: 5, error: 4, warning: 4, info: 3 };

/**
 * A header value Node sends and ntfy reads as written: printable ASCII as it is; any other text
 * as an RFC 2047 encoded word (`=?UTF-8?B?...?=`, which ntfy decodes), since a header carries
 * bytes, not UTF-8, and Node refuses what is not Latin-1.
 */
export function headerValue(text: string): string {
  const line = oneLine(text);
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line).toString('base64')}?=`;
}

/** The title: the notice's own head when one, else how many fire and resolve. */
function title(notices: readonly AlertNotice[]): string {
  if (notices.length === 1) {
    const [n] = notices as [AlertNotice];
    return `[${statusWord(n)}] ${n.rule} on ${n.container.name}`;
  }
  const firing = notices.filter((n) => n.status === 'firing').length;
  return `${firing} alerts firing, ${notices.length - firing} resolved`;
}

/** The Priority header: the highest of the firing notices' severities. */
function priority(notices: readonly AlertNotice[]): number {
  const firing = notices.filter((n) => n.status === 'firing');
  return Math.max(3, ...firing.map((n) => PRIORITY[n.severity] ?? 3));
}

/**
 * A POST to a topic (`https://ntfy.sh/<topic>`): the body is the plain text, one line per notice;
 * Title, Priority and Tags (emoji shortcodes: 🚨 firing, ✅ resolved) are headers.
 */
export const webhookNtfy = (notices: readonly AlertNotice[]): AlertRequest => ({
  body: cutBytes(notices.map(noticeLine).join('\n'), NTFY_BODY_MAX),
  headers: {
    'content-type': 'text/plain; charset=utf-8',
    title: headerValue(cutText(title(notices), TITLE_MAX)),
    priority: String(priority(notices)),
    tags: notices.some((n) => n.status === 'firing') ? 'rotating_light' : 'white_check_mark',
  },
});
