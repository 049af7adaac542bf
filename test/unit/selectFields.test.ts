import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import type { Fields, Point } from '../../src/model/point.js';
import { type FieldSelection, fieldChooser } from '../../src/transform/selectFields.js';

/** The chooser as it was before it decided per measurement: every name through the globs, field by field. */
function namewise(selection: FieldSelection): ((p: Point) => Point | undefined) | undefined {
  const glob = (ps: readonly string[] | undefined) => (ps?.length ? picomatch([...ps], { dot: true }) : undefined);
  const [measurement, include, exclude] = [selection.measurements, selection.fields, selection.fieldsExclude].map(glob);
  if (!measurement && !include && !exclude) return undefined;
  const keep = (name: string): boolean =>
    (!measurement || measurement(name.slice(0, name.indexOf('.')))) && (!include || include(name)) && !exclude?.(name);
  return (point) => {
    const kept = Object.entries(point.fields).filter(([field]) => keep(`${point.measurement}.${field}`));
    if (kept.length === 0) return undefined;
    return kept.length === Object.keys(point.fields).length ? point : { ...point, fields: Object.fromEntries(kept) };
  };
}

/** A point whose fields count how often their values are read. */
function watched(measurement: string, names: readonly string[]): { point: Point; reads: () => number } {
  let reads = 0;
  const values: Fields = Object.fromEntries(names.map((n, i) => [n, i]));
  const fields = new Proxy(values, { get: (t, k) => (reads++, Reflect.get(t, k)) });
  return { point: { measurement, tags: { container_name: 'web' }, fields, timestamp: '1' }, reads: () => reads };
}

describe('fieldChooser', () => {
  it('passes a point of a measurement kept whole as it is, without reading its fields', () => {
    const selections: FieldSelection[] = [
      { measurements: ['cpu', 'memory', 'network', 'blockio'] },
      { fieldsExclude: ['network.*_dropped'] },
      { measurements: ['c*'], fieldsExclude: ['memory.*'] },
    ];
    for (const selection of selections) {
      const choose = fieldChooser(selection)!;
      for (let i = 0; i < 3; i++) {
        const { point, reads } = watched('cpu', ['usage_percent', 'system_percent', 'user_percent']);
        expect(choose(point), JSON.stringify(selection)).toBe(point);
        expect(reads(), JSON.stringify(selection)).toBe(0);
      }
    }
  });

  it('drops a point of a measurement left out whole without reading it', () => {
    const choose = fieldChooser({ measurements: ['memory'], fieldsExclude: ['memory.limit_bytes'] })!;
    const { point, reads } = watched('network', ['rx_bytes', 'tx_bytes']);
    expect(choose(point)).toBeUndefined();
    expect(reads()).toBe(0);
  });

  it('keeps the same fields as the name-by-name chooser, in the same order (fast-check)', () => {
    const word = fc.constantFrom('cpu', 'memory', 'network', 'net', 'blockio', 'container', 'a.b', '', '.x', 'x/y');
    const field = fc.constantFrom('usage_percent', 'usage_bytes', 'rx_dropped', 'tx_dropped', 'limit_cpus', 'x', '');
    const glob = fc.oneof(
      fc
        .tuple(word, fc.constantFrom('*', '**', 'usage_*', '*_dropped', 'limit_cpus', '{x,rx_dropped}'))
        .map(([m, f]) => `${m}.${f}`),
      fc.constantFrom('*', '**', '*.*', 'c*', '!cpu.*', 'net*.rx_*', '[cm]*.usage_*', '*_dropped', './cpu.*', 'cpu'),
    );
    const globs = fc.option(fc.array(glob, { maxLength: 3 }), { nil: undefined });
    const selection = fc.record({ measurements: globs, fields: globs, fieldsExclude: globs });
    const point = fc.record({
      measurement: word,
      tags: fc.constant({ container_name: 'web' }),
      fields: fc.dictionary(field, fc.integer(), { maxKeys: 5 }),
      timestamp: fc.constant('1'),
    });
    fc.assert(
      fc.property(selection, fc.array(point, { minLength: 1, maxLength: 8 }), (s, points) => {
        const [choose, before] = [fieldChooser(s), namewise(s)];
        expect(choose === undefined).toBe(before === undefined);
        if (!choose || !before) return;
        for (const p of points) {
          const [got, want] = [choose(p), before(p)];
          expect(got === p).toBe(want === p);
          expect(got && [got.measurement, got.tags, Object.entries(got.fields), got.timestamp]).toEqual(
            want && [want.measurement, want.tags, Object.entries(want.fields), want.timestamp],
          );
        }
      }),
      { numRuns: 3000 },
    );
  });
});
