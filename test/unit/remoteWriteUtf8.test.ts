import { from, lastValueFrom, toArray } from 'rxjs';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { remoteWriteLines } from '../../src/app/remoteWritePoints.js';
import { remoteWriteBody } from '../../src/deliver/remoteWriteRequest.js';
import { encodeChunk } from '../../src/model/chunk.js';
import type { Point } from '../../src/model/point.js';

/**
 * A container name or label value may hold a lone UTF-16 surrogate (a label set through the API
 * from a client that cut a string between the halves of an emoji). protobufjs writes it as
 * three bytes that are no UTF-8 (CESU-8); the spec's label values are UTF-8 strings, and a
 * receiver that checks (Go's protobuf decoder, Prometheus 3) rejects the whole batch with a 400,
 * which the sink drops: every container's samples of that batch lost for one bad name.
 */
describe('remote write: label values as valid UTF-8', () => {
  it('writes a lone surrogate as U+FFFD, so the body is valid UTF-8', async () => {
    const tags = { container_name: 'web\uD83D', image: 'a\uDE00b', ok: 'caf\u00e9 \uD83D\uDE00' };
    const point: Point = { measurement: 'cpu', tags, fields: { v: 1 }, timestamp: '1700000000000000000' };
    const lines = await lastValueFrom(from([point]).pipe(remoteWriteLines(), toArray()));
    const raw = Buffer.from(snappy.uncompress(remoteWriteBody(encodeChunk(lines))));
    const text = raw.toString('latin1');
    const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
    expect(text).toContain(utf8('web\uFFFD'));
    expect(text).toContain(utf8('a\uFFFDb'));
    expect(text).toContain(utf8('caf\u00e9 \uD83D\uDE00'));
  });
});
