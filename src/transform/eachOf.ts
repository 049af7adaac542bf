import { Observable, type OperatorFunction } from 'rxjs';

/**
 * Maps each value to a list and emits its items, in order, at once: `mergeMap(project)` for a
 * project that returns an array, without the inner subscription. RxJS's own operators cannot say
 * it: `mergeMap`, `concatMap`, `switchMap` and `mergeAll` subscribe to an inner Observable per
 * value (a subscriber, a subscription and their finalizers, even for an array), which on the hot
 * path, once per stats record, was the largest share of the pipeline's garbage. An error thrown
 * by `project` is sent on, as `mergeMap` does; an unsubscribe between two items stops the rest.
 *
 * ```
 * eachOf((x) => [x, upper(x)])      (an empty list: nothing for that value)
 * source:  -a-----b-----|
 * result:  -(aA)--(bB)--|
 * ```
 */
export function eachOf<T, R>(project: (value: T) => readonly R[]): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) =>
      source.subscribe({
        next: (value) => {
          let items: readonly R[];
          try {
            items = project(value);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          for (const item of items) {
            if (subscriber.closed) return;
            subscriber.next(item);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
