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
  ...Array.from({ length: 400 }, () => `${r}\t["pad","${'p'.repeat(200)}"]\t["x"]\t[1]`),
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

  /** What a reader holds after 63 requests of 2000 label sets of one shape, and maybe 1000 odd lines each. */
  const heldWith = (oddNames: boolean): number => {
    const reader = sampleLineReader();
    const writer = new WriteRequestWriter();
    const shape = JSON.stringify(Array.from({ length: 30 }, (_, i) => `container_metric_${i}`));
    const values = `[${Array.from({ length: 30 }, (_, i) => i).join(',')}]`;
    let odd = 0;
    gc();
    const before = process.memoryUsage().heapUsed;
    // 63: a set's lists are cleared at MAX_LISTS_PER_SET (64)
    for (let r = 0; r < 63; r++) {
      reader.trim();
      writer.begin();
      for (let c = 0; c < 2000; c++) reader.read(`${r}\t["container_id","c${c}"]\t${shape}\t${values}`, writer);
      // 1001 texts of one name list (its blanks differ): the cache of 1000 is cleared once a request
      if (oddNames)
        for (let k = 0; k < 1000; k++) reader.read(`${r}\t["a","b"]\t[${' '.repeat(odd++ % 1001)}"m"]\t[1]`, writer);
      writer.finish();
    }
    gc();
    const held = process.memoryUsage().heapUsed - before;
    expect(reader.size()).toBe(oddNames ? 2001 : 2000); // the reader lives until measured
    return held;
  };

  // More name lists than MAX_NAME_LISTS (an odd or damaged spool) clear the cache of them; keyed by
  // the Names made, every label set then kept one more list for its same names per clearing, up
  // to MAX_LISTS_PER_SET: 2000 sets held 39 MB more (20,000 sets, the bound: some 400 MB).
  it('holds no more per label set when the name lists outnumber their cache', () => {
    const steady = heldWith(false);
    expect((heldWith(true) - steady) / 1e6).toBeLessThan(12);
  });
});
