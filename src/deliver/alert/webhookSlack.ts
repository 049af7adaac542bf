import type { AlertNotice } from '../../model/alert.js';
import { type AlertRequest, JSON_HEADERS } from './alertRequest.js';
import { cutText, noticeLine } from './alertText.js';

/** Slack cuts a message's `text` beyond 40,000 characters. */
export const SLACK_TEXT_MAX = 40_000;

/**
 * Slack's three control characters as entities (its documented escaping): `<!channel>`,
 * `<@U123>` and `<http://x|y>` in a container name stay text, never a mention or a link.
 */
export const slackEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An incoming webhook's body: `{text}`, one line per notice. */
export const webhookSlack = (notices: readonly AlertNotice[]): AlertRequest => ({
  body: JSON.stringify({ text: cutText(notices.map((n) => slackEscape(noticeLine(n))).join('\n'), SLACK_TEXT_MAX) }),
  headers: JSON_HEADERS,
});
