import type { AlertNotice } from '../../model/alert.js';
import { type AlertRequest, JSON_HEADERS } from './alertRequest.js';
import { cutText, noticeLine } from './alertText.js';

/** Discord refuses a message whose `content` is over 2000 characters. */
export const DISCORD_CONTENT_MAX = 2000;

/**
 * Discord's markdown (bold, spoilers, quotes, headers, masked links, `<t:...>` and `<@id>`,
 * `:emoji:`) behind a backslash, so that a name shows as written and formats nothing.
 */
export const discordEscape = (text: string): string => text.replace(/[\\*_~`|>#[\]()<@:-]/g, '\\$&');

/**
 * A webhook's body: `content`, one line per notice, and `allowed_mentions` with nothing to parse:
 * a container named `@everyone` pings nobody, whatever the escaping missed.
 */
export const webhookDiscord = (notices: readonly AlertNotice[]): AlertRequest => ({
  body: JSON.stringify({
    content: cutText(notices.map((n) => discordEscape(noticeLine(n))).join('\n'), DISCORD_CONTENT_MAX),
    allowed_mentions: { parse: [] },
  }),
  headers: JSON_HEADERS,
});
