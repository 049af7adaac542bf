import { Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Observable } from 'rxjs';

/** How much of an answer's body goes into the error (and the log). */
export const BODY_SHOWN = 512;

/** A non-2xx answer: the status and headers (Retry-After), the body cut to `BODY_SHOWN`. */
export type AnswerError = (statusCode: number, headers: IncomingHttpHeaders, body: string) => Error;

/** One endpoint's POSTs over a keep-alive agent. */
export interface HttpPoster {
  /** One POST per subscription: emits once and completes on a 2xx; unsubscribing aborts it. */
  post(body: Buffer | string, headers?: Readonly<Record<string, string>>): Observable<void>;
  close(): void;
}

export interface HttpPostOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Names the endpoint in the timeout's message, which never holds the URL (it may hold a secret). */
  readonly what: string;
  /** The error of a non-2xx answer (the delivery policy reads its `statusCode` and `headers`). */
  readonly answerError: AnswerError;
  readonly maxSockets?: number;
  /** Values masked as *** in an answer's body before it is cut (a proxy may echo them). */
  readonly secrets?: readonly string[];
}

/** An answer's body for the log: each secret as ***, then cut to `BODY_SHOWN` (no half secret left). */
export function shownBody(body: string, secrets: readonly string[]): string {
  let text = body;
  for (const secret of secrets) text = text.split(secret).join('***');
  return text.slice(0, BODY_SHOWN).trim();
}

/**
 * POSTs to one URL: 2xx is done; any other answer errors with `answerError`; no whole
 * answer (its status and body) within `timeoutMs` errors as a network failure does. The
 * shared HTTP edge of the sinks that speak plain HTTP (remote write, alerts).
 */
export function httpPoster(url: string, options: HttpPostOptions): HttpPoster {
  const https = url.startsWith('https:');
  const maxSockets = options.maxSockets ?? 2;
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets })
    : new HttpAgent({ keepAlive: true, maxSockets });
  const request = https ? httpsRequest : httpRequest;
  const timeout = options.timeoutMs;
  const secrets = [...(options.secrets ?? [])].sort((a, b) => b.length - a.length);
  // Enough of a body to mask a secret that straddles the cut before cutting.
  const kept = BODY_SHOWN + Buffer.byteLength(secrets[0] ?? '');
  const post = (body: Buffer | string, extra: Readonly<Record<string, string>> = {}): Observable<void> =>
    new Observable<void>((subscriber) => {
      const headers = { ...options.headers, ...extra };
      const req = request(url, { method: 'POST', agent, headers, timeout }, (res) => {
        const pieces: Buffer[] = [];
        let size = 0;
        res.on('data', (piece: Buffer) => {
          // Only the start of a body is kept: it is for the log.
          if (size < kept) pieces.push(piece);
          size += piece.length;
        });
        res.on('error', (error) => subscriber.error(error));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            subscriber.next();
            subscriber.complete();
            return;
          }
          const text = shownBody(Buffer.concat(pieces).subarray(0, kept).toString('utf8'), secrets);
          subscriber.error(options.answerError(status, res.headers, text));
        });
      });
      const late = () => new Error(`no answer from the ${options.what} within ${timeout} ms`);
      // `timeout` is the socket's idle time: a server that trickles its answer a byte at a time
      // never lets it pass. The deadline bounds the whole request, answer and body included.
      const deadline = setTimeout(() => req.destroy(late()), timeout);
      req.on('timeout', () => req.destroy(late()));
      req.on('error', (error) => subscriber.error(error));
      req.on('close', () => clearTimeout(deadline));
      req.end(body);
      return () => {
        clearTimeout(deadline);
        if (!subscriber.closed) req.destroy();
      };
    });
  return { post, close: () => agent.destroy() };
}
