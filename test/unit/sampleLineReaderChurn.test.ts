import { describe, expect, it } from 'vitest';
import { WriteRequestType } from '../../src/deliver/remoteWriteSchema.js';
import { sampleLineReader } from '../../src/deliver/sampleLineReader.js';
import { WriteRequestWriter } from '../../src/deliver/writeRequestWriter.js';
import { sampleLine } from '../../src/model/sampleLine.js';

/** A container's memory and network lines, as sampleLine writes them. */
const linesOf = (id: string, ms: number): string[] => [
  sampleLine({
    ms,
    labels: ['container_id', id, 'image', 'busybox'],
    names: ['memory_usage_bytes', 'memory_rss_bytes'],
    values: [1, 2],
  }),
  sampleLine({
    ms,
    labels: ['container_id', id, 'image', 'busybox', 'interface', 'eth0'],
    names: ['network_rx_bytes'],
    values: [3],
  }),
];

type Decoded = { timeseries: { samples: unknown[] }[] };
const decode = (bytes: Uint8Array): Decoded['timeseries'] =>
  (WriteRequestType.toObject(WriteRequestType.decode(bytes), { longs: Number, arrays: true }) as Decoded).timeseries;

/** One request of the reader: trim, then the lines (as encodeSampleLines does). */
const request = (
  reader: ReturnType<typeof sampleLineReader>,
  writer: WriteRequestWriter,
  lines: string[],
): Uint8Array => {
  reader.trim();
  writer.begin();
  for (const line of lines) reader.read(line, writer);
  return writer.finish();
};

describe('sampleLineReader under container churn', () => {
  it('forgets the label sets of containers gone, not only past the bound', () => {
    // 10,000 containers come and go (a CI host over a day), a request a second; then only one
    // container is left. Their label sets (2.7 kB each with their series' label bytes, 54 MB for
    // these 20,000) must not be held until 20,000 more arrive.
    const reader = sampleLineReader();
    const writer = new WriteRequestWriter();
    for (let c = 0; c < 10_000; c++) request(reader, writer, linesOf(`gone-${c}`, c));
    for (let s = 0; s < 1_000; s++) request(reader, writer, linesOf('live', 10_000 + s));
    expect(reader.size()).toBeLessThanOrEqual(4);
  });

  it('keeps each series one across rotations, whichever text its labels were written in', () => {
    const reader = sampleLineReader(8);
    const writer = new WriteRequestWriter();
    const escaped = (lines: string[]): string[] => lines.map((l) => l.replace('"busybox"', '"busy\\u0062ox"'));
    for (let s = 0; s < 500; s++) {
      // The live container in two texts of one label set, and a new container each request.
      const lines = [
        ...(s % 2 ? escaped : (l: string[]) => l)(linesOf('live', 2 * s)),
        ...linesOf(`other-${s}`, 2 * s),
      ];
      lines.push(...(s % 2 ? (l: string[]) => l : escaped)(linesOf('live', 2 * s + 1)));
      const series = decode(request(reader, writer, lines));
      expect(series.map((t) => t.samples.length)).toEqual([2, 2, 2, 1, 1, 1]);
    }
    // Met only in one text for a while, then in another: still one set.
    for (let s = 0; s < 20; s++) request(reader, writer, [...linesOf('live', s), ...linesOf(`more-${s}`, s)]);
    const lines = [...linesOf('live', 1), ...linesOf('live', 2).map((l) => l.replace('"image"', '"\\u0069mage"'))];
    expect(decode(request(reader, writer, lines)).map((t) => t.samples.length)).toEqual([2, 2, 2]);
    expect(reader.size()).toBeLessThanOrEqual(8);
  });
});
