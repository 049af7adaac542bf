import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { constants, createGzip } from 'node:zlib';
import type { Exposition } from '../deliver/pointSink.js';

/**
 * Whether the scraper takes gzip: `gzip` in Accept-Encoding with a q above 0, or, gzip not named,
 * `*` with one (RFC 9110, 12.5.3: `*` is the codings not named, so `gzip;q=0, *` refuses gzip).
 * Prometheus asks for it at every scrape (`Accept-Encoding: gzip`).
 */
export function takesGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const weight = params.find((p) => p.startsWith('q='));
    if (coding !== undefined) q.set(coding, weight === undefined ? 1 : Number(weight.slice(2)));
  }
  return (q.get('gzip') ?? q.get('*') ?? 0) > 0;
}

/**
 * Answers a scrape: the registry's text, then the containers' bytes (`more`, at 10,000
 * containers some 70 MB encoded once already: not joined into one string). `more.release()` is
 * called once they are sent or never will be (the scraper went away): its buffer is the one the
 * next render writes into.
 *
 * Gzip'd when the scraper asks (70 MB of text is some 3 MB on the wire), in zlib's threads: the
 * event loop only hands it pieces. At its fastest level: a scrape waits for it, and the
 * exposition's repeated label blocks compress well at any level.
 */
export function sendMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  contentType: string,
  text: string,
  more: Exposition | undefined,
): void {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    more?.release();
  };
  if (!takesGzip(req.headers['accept-encoding'])) {
    res.once('close', release);
    const head = Buffer.from(text);
    const length = head.length + (more?.text.length ?? 0);
    res.writeHead(200, { 'content-type': contentType, 'content-length': length });
    if (more === undefined) return void res.end(head);
    res.write(head);
    res.end(more.text);
    return;
  }
  res.writeHead(200, { 'content-type': contentType, 'content-encoding': 'gzip', vary: 'Accept-Encoding' });
  const gzip = createGzip({ level: constants.Z_BEST_SPEED });
  // Its 'close' comes once zlib has let go of the input, read whole or not (a scraper gone mid-body).
  gzip.once('close', release);
  pipeline(gzip, res, () => {}); // a scraper gone mid-body ends both; nothing to tell
  gzip.write(text);
  gzip.end(more?.text);
}
