import { describe, expect, it } from 'vitest';
import { isZeroedRecord } from '../../src/sources/engine/zeroedRecord.js';
import { fixture, fixtureLines } from '../support/fixtures.js';

describe('isZeroedRecord', () => {
  it('passes real records, whose first one has a zero preread', () => {
    const busy = fixtureLines('stream-busy-cgroupv1.ndjson');
    expect(JSON.parse(busy[0]!).preread).toBe('0001-01-01T00:00:00Z');
    expect(busy.filter(isZeroedRecord)).toEqual([]);
    expect(isZeroedRecord(fixture('oneshot-cgroupv1.json'))).toBe(false);
  });

  it('catches every zeroed record of a stream left open across a stop, and nothing before them', () => {
    const lines = fixtureLines('stream-until-stop.ndjson');
    const zeroed = lines.map(isZeroedRecord);
    const firstZero = zeroed.indexOf(true);
    expect(firstZero).toBeGreaterThan(0);
    expect(zeroed.slice(firstZero).every(Boolean)).toBe(true);
    expect(zeroed.slice(0, firstZero).some(Boolean)).toBe(false);
    for (const [i, line] of lines.entries()) {
      expect(JSON.parse(line).read === '0001-01-01T00:00:00Z').toBe(zeroed[i]);
    }
  });

  it('catches the records of a stream opened on a stopped container', () => {
    expect(fixtureLines('stream-stopped-container.ndjson').every(isZeroedRecord)).toBe(true);
  });
});
