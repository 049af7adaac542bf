import fc from 'fast-check';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GZIP_OVER_BYTES, chunkLines, dropOldestLines, encodeChunk, rawBody } from '../../src/model/chunk.js';

// Line-protocol lines never hold a raw newline (toLineProtocol escapes it), anything else goes.
const line = fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }).map((s) => s.replace(/\n/g, ' '));

describe('Chunk: line protocol held as bytes', () => {
  it('round-trips any lines, plain or gzipped, and sizes them in UTF-8 bytes with their newline', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 60 }), fc.boolean(), (lines, gzip) => {
        const chunk = encodeChunk(lines, gzip);
        const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
        expect([chunk.points, chunk.bytes]).toEqual([lines.length, bytes]);
        expect(chunk.gzip).toBe(gzip && bytes > GZIP_OVER_BYTES);
        expect(chunkLines(chunk)).toEqual(lines);
        expect(rawBody(chunk).toString('utf8')).toBe(`${lines.join('\n')}\n`);
      }),
    );
  });

  it('reads back chunks past the 64 kB it decodes at a time, lines longer than that included', () => {
    const long = fc
      .tuple(line, fc.integer({ min: 1, max: 70_000 }))
      .map(([l, n]) => l.repeat(Math.ceil(n / l.length)).slice(0, n))
      .filter((l) => !/[\uD800-\uDFFF]$/.test(l));
    fc.assert(
      fc.property(fc.array(fc.oneof(line, long), { minLength: 1, maxLength: 12 }), (lines) => {
        expect(chunkLines(encodeChunk(lines))).toEqual(lines);
      }),
      { numRuns: 200 },
    );
  });

  it('a gzipped body is what a server gunzips back to the line protocol', () => {
    const lines = Array.from(
      { length: 100 },
      (_, i) => `cpu,container_name=c${i} usage_percent=${i}.5 1700000000000000000`,
    );
    const chunk = encodeChunk(lines, true);
    expect(chunk.body.length).toBeLessThan(chunk.bytes / 4);
    expect(gunzipSync(chunk.body).toString('utf8')).toBe(`${lines.join('\n')}\n`);
  });

  it('dropOldestLines cuts the fewest oldest lines that cover the excess, and keeps the rest in order', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 60 }), fc.boolean(), fc.nat(), (lines, gzip, seed) => {
        const chunk = encodeChunk(lines, gzip);
        const excess = 1 + (seed % chunk.bytes);
        const { count, bytes, rest } = dropOldestLines(chunk, excess);
        const before = lines.slice(0, count - 1).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
        expect(before).toBeLessThan(excess); // one line fewer would not have been enough
        expect(bytes).toBeGreaterThanOrEqual(excess);
        expect(bytes).toBe(before + Buffer.byteLength(lines[count - 1]!) + 1);
        expect(rest ? chunkLines(rest) : []).toEqual(lines.slice(count));
        expect((rest?.bytes ?? 0) + bytes).toBe(chunk.bytes);
      }),
    );
  });
});
