import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toLineProtocol } from '../../src/encode/toLineProtocol.js';
import type { Point } from '../../src/model/point.js';
import { readLine } from '../support/parseLineProtocol.js';
import { arbitraryPoint } from '../support/arbitraryPoint.js';
import { storedPoint } from '../support/storedPoint.js';

describe('line protocol round trip (fast-check)', () => {
  it('any point is one line that InfluxDB and VictoriaMetrics both read as what the README says is stored', () => {
    fc.assert(
      fc.property(arbitraryPoint(), (p: Point) => {
        const line = toLineProtocol(p);
        const stored = storedPoint(p);
        if (stored === undefined) return void expect(line).toBeUndefined();
        expect(line).toBeDefined();
        expect(line).not.toMatch(/[\n\r]/);
        expect(readLine(line!, 'influxdb')).toEqual(stored);
        // VictoriaMetrics keeps no string fields: the names are what it stores.
        const vm = readLine(line!, 'victoriametrics');
        expect([vm.measurement, vm.tags, Object.keys(vm.fields).sort()]).toEqual([
          stored.measurement,
          stored.tags,
          Object.keys(stored.fields).sort(),
        ]);
      }),
      { numRuns: 3000 },
    );
  });
});
