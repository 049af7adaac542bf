import type { AlertNotice } from '../../model/alert.js';

/** Marks a text cut to a receiver's limit, so that a person sees it was cut. */
export const ELLIPSIS = '…';

/**
 * `text` in at most `max` UTF-16 code units (what Discord, Slack and Telegram count), the end
 * replaced by `…` when cut; a surrogate pair is never split (half an emoji is invalid UTF-8).
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - ELLIPSIS.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + ELLIPSIS;
}

/** `text` in at most `max` UTF-8 bytes (ntfy counts bytes), cut between code points, `…` at the end. */
export function cutBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  const room = max - Buffer.byteLength(ELLIPSIS);
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > room) break;
    end += char.length;
  }
  return text.slice(0, end) + ELLIPSIS;
}

/** Control characters (a newline in a container name) would break a one-line message apart. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line: control characters and line breaks as a space. */
export const oneLine = (text: string): string => text.replace(CONTROL, ' ');

/** A label name Alertmanager takes, [a-zA-Z_][a-zA-Z0-9_]*: others as `_`, a leading digit behind `_`. */
export function labelName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(clean) || clean === '' ? `_${clean}` : clean;
}

/** `FIRING` or `RESOLVED`, as people read it at a glance. */
export const statusWord = (notice: AlertNotice): string => (notice.status === 'firing' ? 'FIRING' : 'RESOLVED');

/**
 * A notice as one line for a person: `[FIRING] hot on web-1 (warning): CPU 93% of its limit`.
 * Every part is made one line, so a name cannot start a line of its own in the message.
 */
export function noticeLine(notice: AlertNotice): string {
  const where = notice.host ? ` @ ${oneLine(notice.host)}` : '';
  return `[${statusWord(notice)}] ${oneLine(notice.rule)} on ${oneLine(notice.container.name)}${where} (${oneLine(notice.severity)}): ${oneLine(notice.summary)}`;
}

/** A time as RFC 3339, what Alertmanager and its webhook use. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString();
