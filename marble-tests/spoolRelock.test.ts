import { type Observable, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type SpoolLock, SpoolLockedError } from '../src/deliver/spool/spoolLock.js';
import { relockSpool } from '../src/deliver/spool/spoolRelock.js';
import { testScheduler } from './testScheduler.js';

const unlocked: SpoolLock = { release: () => undefined, unlocked: 'EROFS' };
const locked: SpoolLock = { release: () => undefined };
const held = new SpoolLockedError('/spool', 'pid 4242 on host-a');

/** Tries that answer in turn what `answers` make. */
function tries(...answers: Array<() => Observable<SpoolLock>>): {
  lock: () => Observable<SpoolLock>;
  made: () => number;
} {
  let made = 0;
  return { lock: () => answers[made++]!(), made: () => made };
}

describe('relockSpool: trying the lock again while the spool runs unlocked', () => {
  it('tries every 5 s while the disk refuses it, then emits the lock and stops trying', () => {
    testScheduler().run(({ expectObservable }) => {
      const t = tries(
        () => of(unlocked),
        () => throwError(() => Object.assign(new Error('EIO'), { code: 'EIO' })), // counts as still unlocked
        () => of(locked),
      );
      expectObservable(relockSpool(t.lock, 5000)).toBe('15000ms (a|)', { a: locked });
    });
  });

  it('fails with the holder when another daemon took the lock meanwhile', () => {
    testScheduler().run(({ expectObservable }) => {
      const t = tries(
        () => of(unlocked),
        () => throwError(() => held),
      );
      expectObservable(relockSpool(t.lock, 5000)).toBe('10000ms #', undefined, held);
    });
  });

  it('one try at a time: a slow try skips the ticks that come meanwhile', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const t = tries(
        () => cold('7000ms (u|)', { u: unlocked }),
        () => of(locked),
      );
      expectObservable(relockSpool(t.lock, 5000)).toBe('15000ms (a|)', { a: locked });
      flush();
      expect(t.made()).toBe(2);
    });
  });
});
