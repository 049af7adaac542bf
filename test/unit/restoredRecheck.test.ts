import { describe, expect, it } from 'vitest';
import { recheckDelayMs } from '../../src/app/restoredGone.js';

describe('restoredGone: how often a restored container still there is looked at', () => {
  it('10 s after the start, then waits doubling to 2 min, never more', () => {
    const waits = Array.from({ length: 8 }, (_, i) => recheckDelayMs(i + 1));
    expect(waits).toEqual([10_000, 20_000, 40_000, 80_000, 120_000, 120_000, 120_000, 120_000]);
    // a daemon up for a year: no overflow to Infinity or NaN
    expect(recheckDelayMs(365 * 720)).toBe(120_000);
  });
});
