import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { sampleLineReader } from '../../src/deliver/sampleLineReader.js';
import { WriteRequestWriter } from '../../src/deliver/writeRequestWriter.js';
import { chunkLines, encodeChunk } from '../../src/model/chunk.js';
import { sampleLine } from '../../src/model/sampleLine.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const names = ['cpu_usage_percent', 'memory_usage_bytes'];
const live = Array.from({ length: 200 }, (_, i) => ['container_id', `live${i}`, 'image', 'busybox']);

/** A request's lines: the live containers', one new container's, and other lines filling 64 kB. */
const linesOf = (r: number): string[] => [
  ...live.map((labels) => sampleLine({ ms: 1_700_000_000_000 + r, labels, names, values: [r, 2] })),
  sampleLine({
    ms: 1_700_000_000_000 + r,
    labels: ['container_id', `new${r}`, 'image', 'busybox'],
    names,
    values: [1, 2],
  }),
  ...Array.from({ length: 400 }, () => `[${r},["pad","${'p'.repeat(200)}"],["x",1]]`),
];

describe('sampleLineReader: what its keys hold on to', () => {
  it('keeps a few kB per label set under churn, not the text of the request it came in', () => {
    const reader = sampleLineReader();
    const writer = new WriteRequestWriter();
    gc();
    const before = process.memoryUsage().heapUsed;
    // 290 requests (the generations turn at 300), a new container in each
    for (let r = 0; r < 290; r++) {
      reader.trim();
      writer.begin();
      for (const line of chunkLines(encodeChunk(linesOf(r)))) reader.read(line, writer);
      writer.finish();
    }
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    expect(reader.size()).toBe(200 + 290 + 1);
    // 491 sets at a few kB each: about 2 MB. A key that is a slice of its line keeps the whole
    // 64 kB piece chunkLines decoded (a V8 sliced string): 20 MB.
    expect(retained / 1e6).toBeLessThan(8);
  });
});
