import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IndexEntry, RecordIndex, type Residence } from '../../src/deliver/spool/recordIndex.js';
import { encodeChunk } from '../../src/model/chunk.js';

const chunk = encodeChunk(['cpu n=1i 1'], false);
const value = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  fc.constant(2 ** 40),
);
const entry: fc.Arbitrary<IndexEntry> = fc.record({
  segment: value,
  offset: value,
  length: value,
  points: value,
  bytes: value,
  residence: fc.constantFrom<Residence>(0, 1, 2),
  chunk: fc.constantFrom(undefined, chunk),
});

describe('the spool index', () => {
  it('keeps every entry as written, whatever the values, through pushes, unshifts, shifts and holds (fast-check)', () => {
    type Op =
      | { kind: 'push' | 'unshift'; entry: IndexEntry; times: number }
      | { kind: 'shift'; times: number }
      | { kind: 'hold'; at: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constantFrom('push' as const, 'unshift' as const),
        entry,
        times: fc.integer({ min: 1, max: 5000 }),
      }),
      fc.record({ kind: fc.constant('shift' as const), times: fc.integer({ min: 1, max: 5000 }) }),
      fc.record({ kind: fc.constant('hold' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 20 }), (ops) => {
        const index = new RecordIndex();
        const model: IndexEntry[] = [];
        for (const o of ops) {
          if (o.kind === 'push' || o.kind === 'unshift')
            for (let i = 0; i < o.times; i++) {
              index[o.kind]({ ...o.entry });
              model[o.kind]({ ...o.entry });
            }
          else if (o.kind === 'shift') for (let i = 0; i < o.times; i++) expect(index.shift()).toEqual(model.shift());
          else if (o.kind === 'hold' && model.length > 0) {
            const at = o.at % model.length;
            const held = model[at]!.chunk ? undefined : chunk;
            index.hold(at, held);
            model[at] = { ...model[at]!, chunk: held };
          }
          expect(index.length).toBe(model.length);
        }
        for (let i = 0; i < model.length; i += 97) expect(index.at(i)).toEqual(model[i]);
      }),
      { numRuns: 100 },
    );
  });

  it('finds an entry of an index in file order, and removes the discarded ones in place', () => {
    const index = new RecordIndex();
    const at = (i: number): IndexEntry => ({
      segment: 1 + Math.floor(i / 1000),
      offset: (i % 1000) * 300,
      length: 300,
      points: 1 + (i % 7),
      bytes: 270,
      residence: 0,
      chunk: undefined,
    });
    for (let i = 0; i < 10_000; i++) index.push(at(i));
    expect(index.find(5, 300 * 17)).toBe(4017);
    expect(index.find(5, 300 * 17 + 1)).toBe(-1);
    expect(index.find(99, 0)).toBe(-1);
    for (let i = 0; i < 10_000; i++) if (i % 3 !== 0) index.discard(index.find(at(i).segment, at(i).offset));
    index.compact();
    expect(index.length).toBe(3334);
    for (let i = 0; i < index.length; i++) expect(index.at(i)).toEqual(at(3 * i));
    index.push(at(10_001));
    expect(index.at(3334)).toEqual(at(10_001));
  });
});
