import { constants, gunzipSync, gzipSync } from 'node:zlib';

/**
 * Points on their way to the database, held as one body of line protocol (each line ended by a
 * newline), gzipped when the sink takes gzip. Bytes, not strings: a buffered chunk sits outside
 * the V8 heap, so a long outage does not fill the old generation with line strings, and a
 * gzipped chunk holds about an eighth of its line protocol. `bytes` is always the size of the
 * line protocol itself: the buffer limit counts points, not how well they compress.
 */
export interface Chunk {
  readonly body: Buffer;
  readonly gzip: boolean;
  readonly points: number;
  /** UTF-8 bytes of the line protocol, newlines included. */
  readonly bytes: number;
}

/** Bodies this small are not worth gzipping (the client's own threshold). */
export const GZIP_OVER_BYTES = 1000;

export const lineBytes = (line: string): number => Buffer.byteLength(line) + 1;

/** Encodes lines as one body; gzipped (fastest level: line protocol compresses ~8x even so) when `gzip` and over 1 kB. */
export function encodeChunk(lines: readonly string[], gzip = false): Chunk {
  let bytes = 0;
  for (const line of lines) bytes += lineBytes(line);
  const raw = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const line of lines) {
    at += raw.write(line, at);
    raw[at++] = 0x0a;
  }
  return fromRaw(raw, lines.length, gzip);
}

function fromRaw(raw: Buffer, points: number, gzip: boolean): Chunk {
  const zipped = gzip && raw.length > GZIP_OVER_BYTES;
  return { body: zipped ? gzipSync(raw, { level: constants.Z_BEST_SPEED }) : raw, gzip: zipped, points, bytes: raw.length };
}

/** The line protocol itself, gunzipped if need be (for a sink that writes text: stdout, a file). */
export const rawBody = (chunk: Chunk): Buffer => (chunk.gzip ? gunzipSync(chunk.body) : chunk.body);

/** The chunk's lines (for a 413 split or the lines a 400 names). */
export function chunkLines(chunk: Chunk): string[] {
  if (chunk.points === 0) return [];
  return rawBody(chunk).toString('utf8').slice(0, -1).split('\n');
}

/**
 * Cuts the oldest lines that together cover `excess` bytes off a chunk: how many, their bytes,
 * and the chunk that remains (undefined when every line went).
 */
export function dropOldestLines(chunk: Chunk, excess: number): { count: number; bytes: number; rest: Chunk | undefined } {
  if (excess >= chunk.bytes) return { count: chunk.points, bytes: chunk.bytes, rest: undefined };
  const raw = rawBody(chunk);
  let count = 0;
  let at = 0;
  while (at < excess) {
    at = raw.indexOf(0x0a, at) + 1;
    count++;
  }
  return { count, bytes: at, rest: count === chunk.points ? undefined : fromRaw(raw.subarray(at), chunk.points - count, chunk.gzip) };
}
