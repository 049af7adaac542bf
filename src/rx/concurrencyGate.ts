import { Observable, type Subscription, finalize } from 'rxjs';

/** Wraps an Observable so that it runs only when one of the gate's slots is free. */
export type ConcurrencyGate = <T>(task: Observable<T>) => Observable<T>;

/**
 * A counting semaphore shared by many independent Observables (one per container): at most
 * `max` of the tasks passed through it are subscribed at once; the others wait, first come
 * first served, and a waiting task that is unsubscribed leaves the queue. RxJS's `mergeMap`
 * with a concurrency limit does this for the inner Observables of ONE outer stream; here the
 * tasks come from separate per-container streams that each keep their own subscriber, which
 * no built-in operator can share a limit across.
 *
 * ```
 * gate(2):  a: --[====]          b: --[======]        c: --......[===]
 *           (c waits for a slot, and starts when a's task completes)
 * ```
 */
export function concurrencyGate(max: number): ConcurrencyGate {
  if (!(max >= 1)) throw new RangeError(`concurrency must be at least 1, got ${max}`);
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    running--;
    waiting.shift()?.();
  };
  return <T>(task: Observable<T>) =>
    new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      const start = (): void => {
        running++;
        inner = task.pipe(finalize(release)).subscribe(subscriber);
      };
      if (running < max) start();
      else waiting.push(start);
      return () => {
        if (inner) inner.unsubscribe();
        else {
          const at = waiting.indexOf(start);
          if (at >= 0) waiting.splice(at, 1);
        }
      };
    });
}
