import {
  type MonoTypeOperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  connect,
  defer,
  endWith,
  ignoreElements,
  interval,
  merge,
  mergeMap,
  startWith,
  takeUntil,
  tap,
} from 'rxjs';
import { type AlertNotice, alertKey } from '../../model/alert.js';

/** Prometheus re-sends its firing alerts each minute; Alertmanager's resolve_timeout is 5 minutes. */
export const DEFAULT_RESEND_MS = 60_000;

/**
 * For Alertmanager: the notices, and every `everyMs` each alert still firing again. Alertmanager
 * holds a firing alert without `endsAt` only for its resolve_timeout after the last post, and
 * the rules tell a firing alert again only at their repeat interval (hours, for a person's
 * inbox), so without this an alert would resolve itself in Alertmanager while it still fires.
 * A resolved notice stops its alert's resends. Webhooks do not need it (they are told changes).
 * `restored`, the alerts a saved state has firing, go at the start and are re-sent with the
 * rest: their notices went before a restart, and Alertmanager forgets them meanwhile.
 *
 * ```
 * restored: f                                         (f: firing when the daemon stopped)
 * notices:  -a-c------------r-------------------|     (a, c firing; r: a resolved; everyMs 10)
 * result:   fa-c-------(fac)-r----(fc)------(fc)|
 * ```
 */
export function resendFiring(
  everyMs = DEFAULT_RESEND_MS,
  scheduler: SchedulerLike = asyncScheduler,
  restored: readonly AlertNotice[] = [],
): MonoTypeOperatorFunction<AlertNotice> {
  return (notices$) =>
    defer(() => {
      const firing = new Map<string, AlertNotice>();
      const track = (n: AlertNotice): void => {
        const key = alertKey(n.rule, n.container.id);
        if (n.status === 'firing') firing.set(key, n);
        else firing.delete(key);
      };
      return notices$.pipe(
        startWith(...restored.filter((n) => n.status === 'firing')),
        tap(track),
        connect((shared$) =>
          merge(
            shared$,
            interval(everyMs, scheduler).pipe(
              mergeMap(() => [...firing.values()]),
              takeUntil(shared$.pipe(ignoreElements(), endWith(true))),
            ),
          ),
        ),
      );
    });
}
