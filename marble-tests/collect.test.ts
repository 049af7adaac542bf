import { map } from 'rxjs';
import { describe, it } from 'vitest';
import { collect } from '../src/app/collect.js';
import { resolveConfig } from '../src/config/resolveConfig.js';
import { testScheduler } from './testScheduler.js';

// No engine: the `internal` point alone, every 10 ms, carrying the subscription's own counts.
const config = { ...resolveConfig({ env: {} }), internalMetrics: true, flushInterval: 10 };
const collected = (s: ReturnType<typeof testScheduler>) =>
  collect(config, { engines: [], scheduler: s }).pipe(map((p) => Number(p.fields.points_collected)));

describe('collect: each subscription a collection of its own', () => {
  it('two subscribers at once each count their own internal points, not each other’s', () => {
    const s = testScheduler();
    s.run(({ expectObservable }) => {
      const first = '           ^ 34ms !';
      const second = '          15ms ^ 34ms !';
      const firstExpected = '   10ms a 9ms b 9ms c';
      const secondExpected = '  25ms a 9ms b 9ms c';
      const points$ = collected(s);
      expectObservable(points$, first).toBe(firstExpected, { a: 0, b: 1, c: 2 });
      expectObservable(points$, second).toBe(secondExpected, { a: 0, b: 1, c: 2 });
    });
  });

  it('a subscriber after another has ended starts from nothing', () => {
    const s = testScheduler();
    s.run(({ expectObservable }) => {
      const once = '             ^ 24ms !';
      const again = '            40ms ^ 24ms !';
      const onceExpected = '     10ms a 9ms b';
      const againExpected = '    50ms a 9ms b';
      const points$ = collected(s);
      expectObservable(points$, once).toBe(onceExpected, { a: 0, b: 1 });
      expectObservable(points$, again).toBe(againExpected, { a: 0, b: 1 });
    });
  });
});
