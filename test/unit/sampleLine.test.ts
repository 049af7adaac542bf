import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STALE, sampleLine } from '../../src/model/sampleLine.js';
import { previousJsonValue } from '../support/previousJsonValue.js';

const jsonValue = previousJsonValue;

describe('a sample line', () => {
  it('is JSON.stringify of [ms, labels, samples], also when its labels array is reused with other samples', () => {
    const labels = fc.array(fc.string(), { maxLength: 8 });
    const samples = fc.array(fc.oneof(fc.string(), fc.double(), fc.constant(STALE)), { maxLength: 8 });
    fc.assert(
      fc.property(
        labels,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 45 }), samples), { maxLength: 4 }),
        (l, points) => {
          for (const [ms, s] of points) {
            const line = sampleLine({ ms, labels: l, samples: s });
            expect(line).toBe(JSON.stringify([ms, l, s.map(jsonValue)]));
          }
        },
      ),
    );
  });
});
