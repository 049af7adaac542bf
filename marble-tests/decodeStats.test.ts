import { describe, it } from 'vitest';
import type { RawRecord } from '../src/model/records.js';
import { decodeStats } from '../src/validate/decodeStats.js';
import { toSample } from '../src/validate/toSample.js';
import { fixtureLines } from '../test/support/fixtures.js';
import { testScheduler } from './testScheduler.js';

const container = { id: 'a'.repeat(64), name: 'web-1', image: 'local/busybox', labels: {} };
const [one, two] = fixtureLines('stream-busy-cgroupv1.ndjson');
const raw: Record<string, RawRecord> = {
  a: { container, line: one! },
  b: { container, line: two! },
  x: { container, line: one!.replace('"total_usage":252054084386', '"total_usage":"x"') },
  j: { container, line: '{"read":' },
};
const decoded = { A: toSample(container, JSON.parse(one!)), B: toSample(container, JSON.parse(two!)) };

describe('decodeStats: Parse and Validate', () => {
  it('passes records that decode, in order, and skips the ones that do not', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-x-j-b-|', raw);
      const subs = '      ^--------!';
      const expected = '  -A-----B-|';
      expectObservable(source.pipe(decodeStats())).toBe(expected, decoded);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('passes errors and completion on, and lets go of the source when unsubscribed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-a-#', raw);
      const never = cold('  -a--', raw);
      expectObservable(failing.pipe(decodeStats())).toBe('-A-#', decoded);
      expectObservable(cold<RawRecord>('|').pipe(decodeStats())).toBe('|');
      expectObservable(never.pipe(decodeStats()), '^--!').toBe('-A-', decoded);
      expectSubscriptions(never.subscriptions).toBe('^--!');
    });
  });
});
