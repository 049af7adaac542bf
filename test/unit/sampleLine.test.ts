import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STALE, type SampleValue, readSampleLine, sampleLine } from '../../src/model/sampleLine.js';
import { tricky } from '../support/arbitraryPoint.js';
import { previousJsonValue } from '../support/previousJsonValue.js';

const value: fc.Arbitrary<SampleValue> = fc.oneof(fc.double(), fc.integer(), fc.constant(STALE));

describe('a sample line', () => {
  it('is the JSON of its ms, labels, names and values, tab-separated, also when its arrays are reused', () => {
    fc.assert(
      fc.property(
        fc.array(tricky(0), { maxLength: 8 }),
        fc.array(tricky(0), { maxLength: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 45 }), fc.array(value, { maxLength: 8 })), { maxLength: 4 }),
        (labels, names, points) => {
          for (const [ms, values] of points) {
            const line = sampleLine({ ms, labels, names, values });
            expect(line).toBe(
              [ms, labels, names, values.map(previousJsonValue)].map((part) => JSON.stringify(part)).join('\t'),
            );
            expect(line).not.toMatch(/\n/);
          }
        },
      ),
    );
  });

  it('reads back as it was written; a line of the form before (one JSON array) reads too', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.array(tricky(0), { maxLength: 6 }),
        fc.array(fc.tuple(tricky(0), value), { maxLength: 6 }),
        (ms, labels, pairs) => {
          const names = pairs.map(([name]) => name);
          const values = pairs.map(([, v]) => v);
          const samples = pairs.map(([name, v]) => ({
            name,
            // JSON writes -0 as 0, as JSON.stringify did in the form before (fast-check's doubles have -0)
            value: v === STALE ? Number.NaN : Object.is(v, -0) ? 0 : v,
            stale: v === STALE,
          }));
          const expected = { ms, labels, samples };
          expect(readSampleLine(sampleLine({ ms, labels, names, values }))).toEqual(expected);
          const before = JSON.stringify([ms, labels, pairs.flatMap(([n, v]) => [n, previousJsonValue(v)])]);
          expect(readSampleLine(before)).toEqual(expected);
        },
      ),
    );
  });
});
