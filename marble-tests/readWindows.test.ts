import { describe, it } from 'vitest';
import { readWindows, readWindowsWhileFew } from '../src/sources/readWindows.js';
import { testScheduler } from './testScheduler.js';

const flags = { t: true, f: false };

describe('readWindows: when the container streams may be read', () => {
  it('opens for openMs every everyMs, and stays shut while the source pauses', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const paused = cold(' f 14ms t 9ms f       ', flags);
      const unsub = '       ^ 34ms !              ';
      const expected = '    t 9ms f 1ms t 17ms f 1ms t';
      expectObservable(paused.pipe(readWindows(10, 2)), unsub).toBe(expected, flags);
    });
  });

  it('tells a stream that starts between windows that it is paused', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const shared = cold('f', flags).pipe(readWindows(10, 2));
      expectObservable(shared, '^ 14ms !    ').toBe('t 9ms f 1ms t    ', flags);
      expectObservable(shared, '5ms ^ 9ms !').toBe('5ms t 4ms f 1ms t', flags); // joins at 5: paused
    });
  });

  it('reads as records come while more than maxStreams streams are open', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const streams = cold('1 14ms 3 9ms 1                   ', { 1: 1, 3: 3 });
      const paused = cold(' f                                ', flags);
      const unsub = '       ^ 39ms !                         ';
      const expected = '    t 9ms f 1ms t 2ms f 9ms t 9ms f 1ms t';
      expectObservable(
        paused.pipe(readWindowsWhileFew(streams, { everyMs: 10, openMs: 2, maxStreams: 2 })),
        unsub,
      ).toBe(expected, flags);
    });
  });
});
