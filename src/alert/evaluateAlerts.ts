import {
  BehaviorSubject,
  EMPTY,
  type OperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  connect,
  defer,
  distinctUntilChanged,
  map,
  merge,
  mergeMap,
  of,
  switchMap,
  timer,
} from 'rxjs';
import type { AlertRule } from '../config/alertRule.js';
import type { AlertNotice } from '../model/alert.js';
import { takeUntilEnd } from '../rx/takeUntilEnd.js';
import type { AlertInput } from './alertInput.js';
import { type AlertOptions, alertReducer } from './alertReducer.js';
import { type AlertState, EMPTY_ALERT_STATE } from './alertState.js';

export interface EvaluateOptions extends AlertOptions {
  /** The state to start from (`restoreAlertState` of a saved one): what it notified is not told again early. */
  readonly initial?: AlertState;
  /** Told each new state, to save it (beside the spool). */
  readonly onState?: (state: AlertState) => void;
}

const TICK: AlertInput = { kind: 'tick' };

/**
 * The alert rules over the pipeline's points, statuses and removals (`alertReducer`), with time
 * from the scheduler: a `tick` is sent to the reducer at the moment the state next changes with
 * time alone (a `for` held, a repeat due, `keep_firing_for` or a cooldown over), so nothing is
 * polled, and on virtual time every timing is exact. The state is ticked once at the start
 * (synchronously): what came due in a restored `initial` state while the daemon was down goes
 * out then, and only that. It ends with its source (an alert still firing is not resolved by the
 * end: the state says it is firing).
 *
 * ```
 * rule:   hot: cpu.limit_percent > 80 for 3ms (marble-tests/evaluateAlerts.test.ts)
 * source: -h-h-h-h-l---|         (h: a point over 80, l: under)
 * timers:  ^--!                  (for 3ms from the first h)
 * result: ----F----R---|         (F: firing, startsAt the first h; R: resolved at l, keep_firing_for 0)
 * ```
 */
export function evaluateAlerts(
  rules: readonly AlertRule[],
  options: EvaluateOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<AlertInput, AlertNotice> {
  return (source) =>
    defer(() => {
      const { reduce, nextDue } = alertReducer(rules, options);
      let state = options.initial ?? EMPTY_ALERT_STATE;
      const due = new BehaviorSubject<number | undefined>(undefined);
      let timedFor: AlertState | undefined;
      const step = (input: AlertInput): readonly AlertNotice[] => {
        const now = scheduler.now();
        const [next, notices] = reduce(state, input, now);
        if (next !== state) {
          state = next;
          options.onState?.(state);
        }
        // The state its timer was set for has the same due time (most inputs change nothing).
        if (state === timedFor) return notices;
        timedFor = state;
        // A due time not after now would be one the reducer does not act on: never a tight loop.
        const at = nextDue(state);
        due.next(at !== undefined && at > now ? at : undefined);
        return notices;
      };
      const ticks = due.pipe(
        distinctUntilChanged(),
        switchMap((at) => (at === undefined ? EMPTY : timer(at - scheduler.now(), scheduler))),
        map(() => TICK),
      );
      return source.pipe(
        connect((inputs) =>
          merge(
            // The start's tick: what a restored state has due now, and the first timer.
            of(TICK),
            inputs,
            ticks.pipe(takeUntilEnd(inputs)),
          ),
        ),
        mergeMap(step),
      );
    });
}
