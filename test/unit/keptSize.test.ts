import { describe, expect, it } from 'vitest';
import { KeptSize } from '../../src/deliver/keptSize.js';
import { WriteRequestWriter, seriesOf } from '../../src/deliver/writeRequestWriter.js';
import { encodeWriteRequest } from '../support/messageWriteRequest.js';

describe('KeptSize', () => {
  it('tells a smaller size only after a whole window of uses far below the capacity', () => {
    const kept = new KeptSize(10, 4);
    expect([kept.use(100, 400), kept.use(1, 400), kept.use(1, 400), kept.use(1, 400)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined, // the window held a use of 100: 400 is not over 4x
    ]);
    expect([kept.use(5, 400), kept.use(1, 400), kept.use(1, 400), kept.use(3, 400)]).toEqual([
      undefined,
      undefined,
      undefined,
      10, // at least `least`
    ]);
    for (let i = 0; i < 3; i++) kept.use(60, 400);
    expect(kept.use(1, 400)).toBe(120);
    for (let i = 0; i < 3; i++) kept.use(120, 400);
    expect(kept.use(1, 400)).toBeUndefined(); // 400 is not over 4x 120
  });
});

describe('WriteRequestWriter: its kept buffer after one large request', () => {
  it('shrinks back once requests are small again, and writes them as before', () => {
    const writer = new WriteRequestWriter();
    const labels = ['container_id', 'x'.repeat(64), 'image', 'busybox'];
    const big = Array.from({ length: 5000 }, (_, i) => seriesOf(labels, `metric_${i}`));
    writer.begin();
    for (const s of big) writer.add(s, 1_700_000_000_000, 1);
    writer.finish();
    expect(writer.capacity()).toBeGreaterThan(500_000);
    const small = seriesOf(labels, 'memory_usage_bytes');
    let bytes: Uint8Array = new Uint8Array();
    for (let i = 0; i < 130; i++) {
      writer.begin();
      writer.add(small, 1_700_000_000_000 + i, i);
      bytes = writer.finish();
    }
    expect(writer.capacity()).toBeLessThanOrEqual(64 * 1024);
    const expected = encodeWriteRequest([
      {
        labels: [
          { name: '__name__', value: 'memory_usage_bytes' },
          { name: 'container_id', value: 'x'.repeat(64) },
          { name: 'image', value: 'busybox' },
        ],
        samples: [{ value: 129, timestamp: 1_700_000_000_129 }],
      },
    ]);
    expect(Buffer.from(bytes)).toEqual(Buffer.from(expected));
  });
});
