import { describe, expect, it } from 'vitest';
import { Tombstones } from '../../src/sources/engine/tombstones.js';

describe('Tombstones: destroyed containers kept to turn late answers away', () => {
  it('keeps an id for keepMs, then forgets it', () => {
    const t = new Tombstones(1000, 10);
    t.add('a', 0);
    t.add('b', 500);
    t.prune(999);
    expect([t.has('a'), t.has('b')]).toEqual([true, true]);
    t.prune(1000);
    expect([t.has('a'), t.has('b')]).toEqual([false, true]);
    t.prune(1500);
    expect(t.size).toBe(0);
  });

  it('says when an id was marked, for events from before it (replayed after a reconnect)', () => {
    const t = new Tombstones(1000, 10);
    t.add('a', 250);
    expect([t.since('a'), t.since('b')]).toEqual([250, undefined]);
  });

  it('keeps at most max ids, the oldest going first, so that churn cannot grow it for ever', () => {
    const t = new Tombstones(60_000, 3);
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) t.add(id, i);
    expect(['a', 'b', 'c', 'd'].map((id) => t.has(id))).toEqual([false, true, true, true]);
    expect(t.size).toBe(3);
  });
});
