import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { sampleLineReader } from '../../src/deliver/sampleLineReader.js';
import { WriteRequestWriter } from '../../src/deliver/writeRequestWriter.js';
import { sampleLine } from '../../src/model/sampleLine.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// A series' label bytes are protobufjs's Writer.finish(): Buffer.allocUnsafe, which hands out
// views of a shared 8 kB pool for anything under 4 kB. A series kept by the reader then keeps its
// whole slab, and the bytes of every series made beside it (containers long gone) with it. The
// reader's retention test counts the JS heap, where none of this is: arrayBuffers is.

const churn = (r: number, c: number): string =>
  sampleLine({
    ms: 1_700_000_000_000 + r,
    labels: ['container_id', `gone-${r}-${c}`, 'image', 'busybox'],
    names: Array.from({ length: 10 }, (_, i) => `churn_metric_${i}`),
    values: Array.from({ length: 10 }, (_, i) => i),
  });

describe('sampleLineReader: what its series label bytes hold on to', () => {
  it('keeps about their own bytes for series made among series of containers since gone', () => {
    const reader = sampleLineReader(20_000, 10); // a set not met for 20 requests is forgotten
    const writer = new WriteRequestWriter();
    const live = ['container_id', 'live', 'image', 'busybox'];
    gc();
    const before = process.memoryUsage().arrayBuffers;
    // A live container whose series come one by one (a device's first I/O, an interface added),
    // each made while 10 containers come and go (a CI host).
    for (let r = 0; r < 1000; r++) {
      reader.trim();
      writer.begin();
      const names = Array.from({ length: r + 1 }, (_, i) => `live_metric_${i}`);
      reader.read(sampleLine({ ms: 1_700_000_000_000 + r, labels: live, names, values: names.map(() => r) }), writer);
      for (let c = 0; c < 10; c++) reader.read(churn(r, c), writer);
      writer.finish();
    }
    for (let r = 1000; r < 1030; r++) {
      reader.trim();
      writer.begin();
      reader.read(
        sampleLine({ ms: 1_700_000_000_000 + r, labels: live, names: ['live_metric_0'], values: [r] }),
        writer,
      );
      writer.finish();
    }
    gc();
    const held = process.memoryUsage().arrayBuffers - before;
    expect(reader.size()).toBe(1);
    // 1000 live series of about 60 bytes each: 60 kB and the kept request buffers; each series
    // in a slab of its own kept 8 kB: 8 MB.
    expect(held / 1e6).toBeLessThan(1.5);
  });
});
