import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drainBuffer } from '../support/drainBuffer.js';
import { tempDirs } from '../support/tempDirs.js';
import { type Chunk, chunkLines, encodeChunk } from '../../src/model/chunk.js';
import { SpoolBuffer } from '../../src/deliver/spool/spoolBuffer.js';
import { fileOf } from '../../src/deliver/spool/segmentFiles.js';
import { openSegments } from '../../src/deliver/spool/segmentOpen.js';
import { type RecordAt, ackRecord, dataRecord } from '../../src/deliver/spool/spoolRecord.js';

const tempDir = tempDirs('dss-spoolopen-');
const chunkOf = (tag: string, n: number): Chunk =>
  encodeChunk(
    Array.from({ length: n }, (_, i) => `cpu,tag=${tag} n=${i}i ${1_700_000_000_000_000_000 + i}`),
    false,
  );
/** One point whose label value holds `bytes` as they are (a label's UTF-8 can hold any such run). */
function labelled(bytes: Buffer): Chunk {
  const body = Buffer.concat([Buffer.from('cpu,label='), bytes, Buffer.from(' n=1i 1700000000000000000\n')]);
  return { body, gzip: false, points: 1, bytes: body.length };
}
const ackBytes = (target: RecordAt): Buffer => Buffer.concat(ackRecord(target));
const ACK_BYTES = ackBytes({ segment: 0, offset: 0 }).length;
const drain = drainBuffer;

describe('opening the disk spool', () => {
  it('an ack forged in a label, read after damage, acknowledges nothing: the records it names are sent', () => {
    const dir = tempDir();
    const [a, c] = [chunkOf('a', 3), chunkOf('c', 5)];
    const aBytes = Buffer.concat(dataRecord(a));
    const bLength = 24 + labelled(Buffer.alloc(2 * ACK_BYTES)).body.length;
    const cAt = aBytes.length + bLength;
    // B's label holds two complete ack records, for A (before it) and for C (after it).
    const b = labelled(Buffer.concat([ackBytes({ segment: 1, offset: 0 }), ackBytes({ segment: 1, offset: cAt })]));
    const bBytes = Buffer.concat(dataRecord(b));
    bBytes.writeUInt8(bBytes.readUInt8(20) ^ 0x01, 20); // a bit flipped in B's checksum: the scan resyncs inside B
    writeFileSync(fileOf(dir, 1), Buffer.concat([aBytes, bBytes, Buffer.concat(dataRecord(c))]));
    const spool = new SpoolBuffer({ dir, maxBytes: 2 ** 30, windowBytes: 2 ** 20, syncMs: 0 });
    expect(spool.replay.points).toBe(3 + 5);
    expect(drain(spool)).toEqual([...chunkLines(a), ...chunkLines(c)]);
  });

  it('an ack is honoured when its segment reads intact up to it, whatever the damage elsewhere (fast-check)', () => {
    type Op =
      | { kind: 'data'; points: number; forge: number[]; damage: boolean }
      | { kind: 'ack'; of: number }
      | { kind: 'rotate' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('data' as const),
        points: fc.integer({ min: 1, max: 4 }),
        forge: fc.array(fc.nat(30), { maxLength: 3 }),
        damage: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('ack' as const), of: fc.nat(30) }),
      fc.record({ kind: fc.constant('rotate' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const dir = tempDir();
        const files = new Map<number, Buffer[]>([[1, []]]);
        const data: Array<RecordAt & { damaged: boolean }> = [];
        const honoured = new Set<number>(); // data records acked by an ack its segment reaches intact
        let segment = 1;
        let size = 0;
        let damagedBefore = false; // a damaged record earlier in this segment
        const key = (at: RecordAt): string => `${at.segment}:${at.offset}`;
        for (const o of ops) {
          let bytes: Buffer;
          if (o.kind === 'rotate') {
            files.set(++segment, []);
            size = 0;
            damagedBefore = false;
            continue;
          } else if (o.kind === 'ack') {
            const target = data.length > 0 ? o.of % data.length : undefined;
            if (target === undefined) continue;
            bytes = ackBytes(data[target]!);
            if (!damagedBefore) honoured.add(target);
          } else {
            // forged acks for records written so far, and for the next ones' likely offsets
            const forged = o.forge.map((i) => ackBytes(data[i % (data.length || 1)] ?? { segment, offset: size + i }));
            bytes = Buffer.concat(
              dataRecord(o.forge.length > 0 ? labelled(Buffer.concat(forged)) : chunkOf('x', o.points)),
            );
            if (o.damage) bytes.writeUInt8(bytes.readUInt8(21) ^ 0x10, 21);
            data.push({ segment, offset: size, damaged: o.damage });
            damagedBefore ||= o.damage;
          }
          files.get(segment)!.push(bytes);
          size += bytes.length;
        }
        for (const [s, parts] of files) writeFileSync(fileOf(dir, s), Buffer.concat(parts));
        const { index } = openSegments(dir);
        const found = new Set(Array.from({ length: index.length }, (_, i) => key(index.at(i))));
        data.forEach((at, i) => {
          if (at.damaged) expect(found.has(key(at)), `damaged ${key(at)}`).toBe(false);
          else expect(found.has(key(at)), `${key(at)}`).toBe(!honoured.has(i));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('a directory named like a segment is left alone, and the segments after it are deleted once acknowledged', () => {
    const dir = tempDir();
    mkdirSync(fileOf(dir, 1));
    const first = new SpoolBuffer({ dir, maxBytes: 16 * 2 ** 20, windowBytes: 0, syncMs: 0 }); // 1 MiB segments
    for (let i = 0; i < 30; i++) first.push(chunkOf('a', 1000)); // ~2 MB: three segments
    first.close();
    const second = new SpoolBuffer({ dir, maxBytes: 16 * 2 ** 20, windowBytes: 0, syncMs: 0 });
    expect(second.replay.points).toBe(30 * 1000);
    expect(drain(second)).toHaveLength(30 * 1000);
    second.close();
    expect(statSync(fileOf(dir, 1)).isDirectory()).toBe(true);
    const left = openSegments(dir);
    expect(left.segments).toHaveLength(1); // the one the acks went to
    expect(left.index.length).toBe(0);
  });
});
