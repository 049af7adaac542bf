import type { AlertNotice } from '../../model/alert.js';
import { type AlertRequest, type FormatContext, JSON_HEADERS } from './alertRequest.js';
import { cutText, noticeLine } from './alertText.js';

/** Telegram refuses a message over 4096 characters. */
export const TELEGRAM_TEXT_MAX = 4096;

/** Where a Telegram message goes: the bot's sendMessage URL (its token in the path) and the chat. */
export interface TelegramTarget {
  readonly url: string;
  readonly chatId: string;
}

/**
 * The bot URL and chat from ALERT_WEBHOOK_URL: `https://api.telegram.org/bot<token>/sendMessage?chat_id=<chat>`
 * (`/sendMessage` is added when the path ends at the token). The chat is the `chat_id` query
 * parameter, or `chatId` (a key of its own) which wins; it leaves the URL, as it goes in the body.
 * Throws when there is no chat: a configuration error, told at start, not at the first alert.
 */
export function telegramTarget(url: string, chatId?: string): TelegramTarget {
  const parsed = new URL(url);
  const chat = chatId ?? parsed.searchParams.get('chat_id') ?? '';
  if (chat === '') throw new Error('a Telegram webhook needs its chat: ?chat_id=<chat> on the URL');
  parsed.searchParams.delete('chat_id');
  if (!/\/sendMessage$/.test(parsed.pathname)) parsed.pathname = `${parsed.pathname.replace(/\/$/, '')}/sendMessage`;
  return { url: parsed.toString(), chatId: chat };
}

/**
 * sendMessage's body: `{chat_id, text}`, one line per notice. No `parse_mode`: the text is
 * plain, so a name cannot format or link anything.
 */
export const webhookTelegram = (notices: readonly AlertNotice[], context: FormatContext): AlertRequest => ({
  body: JSON.stringify({
    chat_id: context.chatId ?? '',
    text: cutText(notices.map(noticeLine).join('\n'), TELEGRAM_TEXT_MAX),
  }),
  headers: JSON_HEADERS,
});
