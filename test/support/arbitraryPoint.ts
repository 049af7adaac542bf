import fc from 'fast-check';
import { type FieldValue, Int, type Point } from '../../src/model/point.js';

// Any text, line breaks and tabs too (what is stored of it: test/support/storedPoint.ts).
const text = (minLength: number) => fc.string({ unit: 'grapheme', minLength, maxLength: 24 });

// Prefer the characters the line protocol escapes, or that its readers read differently.
const special = fc.constantFrom(',', '=', ' ', '\\', '"', '#', '\n', '\r', '\t', '\0', 'a', 'é', '0');
export const tricky = (minLength: number) =>
  fc.oneof(
    text(minLength),
    fc.array(special, { minLength: Math.max(1, minLength), maxLength: 12 }).map((cs) => cs.join('')),
  );

const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  // the transform's integers: any integral double of an int64's range, safe or not
  fc
    .oneof(fc.maxSafeInteger(), fc.double({ min: -(2 ** 63), max: 2 ** 63 - 1024, noNaN: true }).map(Math.trunc))
    .map((n) => new Int(Object.is(n, -0) ? 0 : n)),
  fc.boolean(),
  tricky(0),
);

/** Arbitrary points: names and values full of the characters the line protocol escapes. */
export const arbitraryPoint = (): fc.Arbitrary<Point> =>
  fc.record({
    measurement: tricky(1),
    tags: fc.dictionary(tricky(1), tricky(1), { maxKeys: 4 }),
    fields: fc.dictionary(tricky(1), fieldValue, { minKeys: 1, maxKeys: 4 }),
    timestamp: fc.bigInt({ min: 0n, max: 2n ** 62n }).map(String),
  });

/** A container's status: `exited` stales its series (`staleMarkers`), `running` brings it back. */
const statusPoint = (tags: Point['tags'], state: string): Point => ({
  measurement: 'container',
  tags,
  fields: { state, running: state === 'running' },
  timestamp: '0',
});

/**
 * Some containers' points: a few tag objects shared by many points, times out of order within
 * `spreadMs`, exits and restarts; with `flips`, a point's fields may come reversed, every other
 * one a string.
 */
export const containerPoints = (spreadMs: number, flips = false): fc.Arbitrary<Point[]> =>
  fc
    .tuple(
      fc.array(arbitraryPoint(), { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: spreadMs }), fc.nat(9), fc.boolean()), {
        maxLength: 40,
      }),
    )
    .map(([shapes, picks]) => {
      const tags = shapes.map((p, i) => ({ ...p.tags, container_id: `c${i % 3}` }));
      return picks.map(([shape, tag, ms, kind, flip]) => {
        const t = tags[tag % tags.length]!;
        const s = shapes[shape % shapes.length]!;
        let p = kind === 0 ? statusPoint(t, 'exited') : kind === 1 ? statusPoint(t, 'running') : s;
        if (flips && flip) {
          const fields = Object.entries(p.fields)
            .reverse()
            .map(([k, v], i) => [k, i % 2 ? String(v) : v]);
          p = { ...p, fields: Object.fromEntries(fields) as Point['fields'] };
        }
        return { ...p, tags: t, timestamp: `${1_700_000_000_000 + ms}000000` };
      });
    });
