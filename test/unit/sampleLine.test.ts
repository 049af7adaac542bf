import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STALE, type SampleValue, readSampleLine, sampleLine } from '../../src/model/sampleLine.js';
import { tricky } from '../support/arbitraryPoint.js';
import { previousJsonValue } from '../support/previousJsonValue.js';

const value: fc.Arbitrary<SampleValue> = fc.oneof(fc.double(), fc.integer(), fc.constant(STALE));

describe('a sample line', () => {
  it('is JSON.stringify of [ms, labels, [name, value, ...]], also when its arrays are reused', () => {
    fc.assert(
      fc.property(
        fc.array(tricky(0), { maxLength: 8 }),
        fc.array(tricky(0), { maxLength: 8 }),
        fc.array(fc.tuple(fc.double(), fc.array(value, { maxLength: 8 })), { maxLength: 4 }),
        (labels, allNames, points) => {
          for (const [ms, all] of points) {
            const names = allNames.slice(0, all.length);
            const values = all.slice(0, names.length);
            const line = sampleLine({ ms, labels, names, values });
            const flat = names.flatMap((n, i) => [n, previousJsonValue(values[i]!)]);
            expect(line).toBe(JSON.stringify([ms, labels, flat]));
          }
        },
      ),
    );
  });

  it('reads back as it was written', () => {
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
            // JSON writes -0 as 0
            value: v === STALE ? Number.NaN : v === 0 ? 0 : v,
            stale: v === STALE,
          }));
          expect(readSampleLine(sampleLine({ ms, labels, names, values }))).toEqual({ ms, labels, samples });
        },
      ),
    );
  });
});
