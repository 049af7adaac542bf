import { type RetryVerdict, statusOf } from '../rx/retryBackoff.js';

/**
 * What a failed write means for the batch:
 * - `retry`: 429, 5xx, timeouts, network errors: back off and try again;
 * - `rejected`: 400 / 422: the server refuses (some of) the points: retrying them is useless;
 * - `too-large`: 413: split the batch;
 * - `refused`: 401 / 403 / 404 and other 4xx: the target or credentials are wrong: keep the
 *   points and try again at the next flush, so that a fixed credential resumes delivery.
 */
export type WriteFailureKind = 'retry' | 'rejected' | 'too-large' | 'refused';

interface HttpLike {
  readonly statusCode?: unknown;
  readonly headers?: Record<string, unknown>;
  readonly body?: unknown;
  readonly message?: unknown;
  /** A JSON body, parsed: InfluxDB 1.x's `{"error": ...}`, 2.x's `{"message": ...}`. */
  readonly json?: { readonly error?: unknown; readonly message?: unknown } | null;
}

/** What the server said, in every form the client keeps: raw and JSON-decoded (where `\` and `"` are themselves). */
function answerTexts(error: unknown): string[] {
  const e = error as HttpLike | null;
  return [e?.json?.error, e?.json?.message, e?.message, e?.body].filter((t): t is string => typeof t === 'string');
}

export function classifyWriteFailure(error: unknown): WriteFailureKind {
  // A sink whose protocol forbids retrying a 4xx (remote write) marks the failure `rejected`.
  if ((error as { rejected?: unknown } | null)?.rejected === true) return 'rejected';
  const status = statusOf(error);
  if (status === undefined || status === 429 || status >= 500) return 'retry';
  if (status === 400 || status === 422) return 'rejected';
  if (status === 413) return 'too-large';
  return 'refused';
}

/**
 * Whether a failure says the target or credentials are wrong (401, 403, 404 and other 4xx but
 * 400, 413, 422, 429), not the points: a remote-write receiver's refusal is dropped as rejected,
 * but the sink reads as failing until a write lands.
 */
export function refusesTarget(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && status >= 400 && status < 500 && ![400, 413, 422, 429].includes(status);
}

/** Retry-After as ms: delta-seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function retryAfterMs(error: unknown, now: number): number | undefined {
  const header = (error as HttpLike | null)?.headers?.['retry-after'];
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** For `retryBackoff`: only a transient failure is worth another attempt now. */
export const writeRetryVerdict = (error: unknown): RetryVerdict =>
  classifyWriteFailure(error) === 'retry' ? 'retry' : 'fail';

/**
 * The lines a 400 / 422 answer names as bad. InfluxDB quotes them (`unable to parse 'cpu,...':
 * ...`); VictoriaMetrics names them (`cannot parse line "cpu,..."`). Only lines of the batch count.
 */
export function namedBadLines(error: unknown, lines: readonly string[]): Set<string> {
  const text = answerTexts(error).join(' ');
  const named = new Set<string>();
  if (text.trim() === '') return named;
  for (const line of lines) if (text.includes(line)) named.add(line);
  return named;
}

/**
 * How many points a partial write dropped, or undefined when the answer is not one. InfluxDB 1.x
 * (400) and 2.x (422) say `partial write: <reason> dropped=N` when they wrote the other points
 * of the batch; 1.x counts lines it could not parse apart (`dropped=0`, the lines named).
 */
export function partialWriteDropped(error: unknown): number | undefined {
  for (const text of answerTexts(error)) {
    const match = /partial write:[\s\S]*\bdropped=(\d+)/.exec(text);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** The server's message, for the log. */
export const serverMessage = (error: unknown): string => {
  const e = error as HttpLike | null;
  return typeof e?.message === 'string' ? e.message : String(error);
};
