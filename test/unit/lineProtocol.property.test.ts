import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toLineProtocol } from '../../src/encode/toLineProtocol.js';
import { type FieldValue, Int, type Point } from '../../src/model/point.js';
import { parseLineProtocol } from '../support/parseLineProtocol.js';
import { arbitraryPoint } from '../support/arbitraryPoint.js';

describe('line protocol round trip (fast-check)', () => {
  it('any point serializes to one line that a line-protocol reader reads back to the same point', () => {
    fc.assert(
      fc.property(arbitraryPoint(), (p: Point) => {
        const line = toLineProtocol(p)!;
        expect(line).not.toMatch(/[\n\r]/);
        // A reader gives every integer back as a bigint, exact.
        const asRead = (v: FieldValue): FieldValue => (v instanceof Int ? BigInt(v.value) : v);
        expect(parseLineProtocol(line)).toEqual({
          ...p,
          fields: Object.fromEntries(Object.entries(p.fields).map(([k, v]) => [k, asRead(v)])),
        });
      }),
      { numRuns: 2000 },
    );
  });
});
