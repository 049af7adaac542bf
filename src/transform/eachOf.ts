import { Observable, type OperatorFunction, Subscriber } from 'rxjs';

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
    new Observable<R>((subscriber) => {
      // A Subscriber of our own, chained to the outer one before the source is subscribed (as
      // RxJS's operators do), not a plain observer: a source that emits as it is subscribed
      // (of, from, range) sees an unsubscribe or an error downstream at once; with a plain
      // observer its subscription is only known once `subscribe` returns, so it ran to its end.
      // (RxJS 7 exports no other way to chain one: `operate` is internal; v8 will need another.)
      source.subscribe(new EachOfSubscriber(subscriber, project));
    });
}

class EachOfSubscriber<T, R> extends Subscriber<T> {
  constructor(
    private readonly out: Subscriber<R>,
    private readonly project: (value: T) => readonly R[],
  ) {
    // Subscriber's constructor adds this subscription to `out`'s: out's unsubscribe closes it.
    super(out);
  }

  protected override _next(value: T): void {
    let items: readonly R[];
    try {
      items = this.project(value);
    } catch (error) {
      this.error(error);
      return;
    }
    for (const item of items) {
      if (this.out.closed) return;
      this.out.next(item);
    }
  }
}
