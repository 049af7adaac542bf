import { map, mergeMap, range, take, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { eachOf } from '../src/transform/eachOf.js';
import { testScheduler } from './testScheduler.js';

const twice = (x: string): string[] => [x, x.toUpperCase()];

describe('eachOf: each value to its list’s items, without an inner subscription', () => {
  it('emits each list’s items at once, in order, nothing for an empty list, and completes with the source', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a--e--b-----|');
      const subs = '      ^------------!';
      const lists = (x: string): string[] => (x === 'e' ? [] : twice(x));
      expectObservable(source.pipe(eachOf(lists))).toBe('-(aA)--(bB)--|');
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('passes the source’s error on after the items so far', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a------#');
      expectObservable(source.pipe(eachOf(twice))).toBe('-(aA)---#');
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('sends an error thrown by the project on, as mergeMap does, and lets go of the source', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-----b--c--|');
      const failing = (x: string): string[] => {
        if (x === 'b') throw new Error('bad');
        return twice(x);
      };
      expectObservable(source.pipe(eachOf(failing))).toBe('-(aA)--#', undefined, new Error('bad'));
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('stops in the middle of a list when the subscriber lets go there', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-----b--|');
      const result = source.pipe(
        eachOf((x: string) => [x, x, x]),
        take(4),
        map((x, i) => `${x}${i}`),
      );
      expectObservable(result).toBe('-(xyz)-(w|)', { x: 'a0', y: 'a1', z: 'a2', w: 'b3' });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('keeps nothing between subscriptions: each subscriber subscribes to the source anew', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a----|');
      const lists = source.pipe(eachOf(twice));
      expectObservable(lists).toBe('-(aA)-|');
      expectObservable(lists).toBe('-(aA)-|');
      expectSubscriptions(source.subscriptions).toBe(['^-----!', '^-----!']);
    });
  });

  it('lets go of a synchronous source when the subscriber stops during its first emissions, as mergeMap does', () => {
    // take(1) after eachOf on a source that emits as it is subscribed (from(), of(), a library
    // user's replayed samples): the source must see the unsubscribe at once, not run to its end.
    const pulled = (flatten: typeof eachOf): number => {
      let count = 0;
      range(0, 1000)
        .pipe(
          tap(() => count++),
          flatten((x: number) => [x, x]),
          take(1),
        )
        .subscribe();
      return count;
    };
    const viaMergeMap = pulled((project) => mergeMap(project));
    expect(viaMergeMap).toBe(1);
    expect(pulled(eachOf)).toBe(viaMergeMap);
  });
});
