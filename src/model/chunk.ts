import { constants, gunzipSync, gzipSync } from 'node:zlib';
import type { FlushReason } from './telemetry.js';

/**
 * Points on their way to the database, held as one body of line protocol (each line ended by a
 * newline), gzipped when the sink takes gzip. Bytes, not strings: lines are written into the
 * body as they arrive (`chunkWriter`), so no line string outlives its point's trip through the
 * pipeline, and a buffered chunk sits outside the V8 heap. Strings waiting in a batch were most
 * of what the young generation promoted, and the old generation then grew to several times the
 * live heap between full collections. A gzipped chunk also holds about an eighth of its line
 * protocol. `bytes` is always the size of the line protocol itself: the buffer limit counts
 * points, not how well they compress.
 */
export interface Chunk {
  readonly body: Buffer;
  readonly gzip: boolean;
  readonly points: number;
  /** UTF-8 bytes of the line protocol, newlines included. */
  readonly bytes: number;
}

/** A batch's line protocol as one chunk, and why the batch went: what `batchLines` emits. */
export interface ChunkBatch {
  readonly chunk: Chunk;
  readonly reason: FlushReason;
}

/** Bodies this small are not worth gzipping (the client's own threshold). */
export const GZIP_OVER_BYTES = 1000;

/** Gathers lines into one chunk; `take` seals what was added and starts over. */
export interface ChunkWriter {
  /** Adds a line (without its newline); returns how many lines are waiting. */
  add(line: string): number;
  take(): Chunk;
}

/**
 * Writes lines straight into one growing byte buffer. With gzip the buffer is compressed when
 * taken (fastest level: line protocol still shrinks about 8x) and reused for the next chunk.
 */
export function chunkWriter(gzip: boolean): ChunkWriter {
  let raw = Buffer.allocUnsafe(64 * 1024);
  let at = 0;
  let points = 0;
  return {
    add(line) {
      // A UTF-16 unit takes at most 3 bytes in UTF-8: room for that, and `write` never truncates.
      const most = line.length * 3 + 1;
      if (at + most > raw.length) {
        const grown = Buffer.allocUnsafe(Math.max(raw.length * 2, at + most));
        raw.copy(grown, 0, 0, at);
        raw = grown;
      }
      at += raw.write(line, at);
      raw[at++] = 0x0a;
      return ++points;
    },
    take() {
      const chunk = seal(raw.subarray(0, at), points, gzip, false);
      at = 0;
      points = 0;
      return chunk;
    },
  };
}

/** Lines as one chunk. */
export function encodeChunk(lines: readonly string[], gzip = false): Chunk {
  const writer = chunkWriter(gzip);
  for (const line of lines) writer.add(line);
  return writer.take();
}

/**
 * A copy of some bytes. `Buffer.from(buffer)` copies through the array-like path into a zeroed
 * buffer: 4x the time of this for a 100 kB chunk, once per chunk and per remote-write body.
 */
export function copyOf(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafe(bytes.length);
  copy.set(bytes);
  return copy;
}

/** A chunk of these bytes; a plain body that is not `owned` is copied, as its buffer will be reused. */
function seal(raw: Buffer, points: number, gzip: boolean, owned: boolean): Chunk {
  const zipped = gzip && raw.length > GZIP_OVER_BYTES;
  const body = zipped ? gzipSync(raw, { level: constants.Z_BEST_SPEED }) : owned ? raw : copyOf(raw);
  return { body, gzip: zipped, points, bytes: raw.length };
}

/** The line protocol itself, gunzipped if need be (for a sink that writes text: stdout, a file). */
export const rawBody = (chunk: Chunk): Buffer => (chunk.gzip ? gunzipSync(chunk.body) : chunk.body);

/**
 * Bytes decoded into one string at most (whole lines; a longer line alone): V8 puts a string over
 * 128 kB in its large-object space, and decoding a 180 kB chunk at once took about 1 ms more than
 * in pieces (docs/benchmarks.md, section 17).
 */
const PIECE = 64 * 1024;

/** The chunk's lines (remote write's request, a 413 split, the lines a 400 names). */
export function chunkLines(chunk: Chunk): string[] {
  if (chunk.points === 0) return [];
  const raw = rawBody(chunk);
  const lines: string[] = [];
  // The body ends with a newline: the text after the last one is no line.
  const end = raw.lastIndexOf(0x0a) + 1;
  for (let at = 0; at < end;) {
    let to = at + PIECE >= end ? end - 1 : raw.lastIndexOf(0x0a, at + PIECE - 1);
    if (to < at) to = raw.indexOf(0x0a, at);
    for (const line of raw.toString('utf8', at, to).split('\n')) lines.push(line);
    at = to + 1;
  }
  return lines;
}

/**
 * Cuts the oldest lines that together cover `excess` bytes off a chunk: how many, their bytes,
 * and the chunk that remains (undefined when every line went).
 */
export function dropOldestLines(
  chunk: Chunk,
  excess: number,
): { count: number; bytes: number; rest: Chunk | undefined } {
  if (excess >= chunk.bytes) return { count: chunk.points, bytes: chunk.bytes, rest: undefined };
  const raw = rawBody(chunk);
  let count = 0;
  let at = 0;
  while (at < excess) {
    at = raw.indexOf(0x0a, at) + 1;
    count++;
  }
  return {
    count,
    bytes: at,
    rest: count === chunk.points ? undefined : seal(raw.subarray(at), chunk.points - count, chunk.gzip, true),
  };
}
