import { BehaviorSubject, type Observable, Subject, scan } from 'rxjs';
import type { TelemetryEvent, TelemetrySink } from '../model/telemetry.js';
import { type TelemetryState, foldTelemetry, initialTelemetry } from '../telemetry/telemetryState.js';

/**
 * One run's telemetry: where its stages report (`next`), the events as they happen, and their
 * fold. Made inside a subscription (`collect`, the daemon's run, `top`'s feed), so that two
 * subscribers never fold each other's events into one state.
 */
export interface TelemetryBus extends TelemetrySink {
  readonly events$: Observable<TelemetryEvent>;
  /** The fold so far: the initial state, then what `foldTelemetry` returns at each event. */
  readonly state$: Observable<TelemetryState>;
  /** The latest fold, for scrapes and the `internal` point. */
  state(): TelemetryState;
  /** Ends the events and the fold (when the subscription that made the bus ends). */
  close(): void;
}

/**
 * A bus whose fold is hot from the start: every event is folded once, whether or not anyone
 * reads the state yet, and every reader reads that one fold.
 *
 * ```
 * next:   -r--w---|      (r: record-transformed, w: batch-written; | close)
 * state$: s-s'-s''|
 * ```
 */
export function telemetryBus(): TelemetryBus {
  const events = new Subject<TelemetryEvent>();
  const state = new BehaviorSubject(initialTelemetry());
  events.pipe(scan(foldTelemetry, state.value)).subscribe(state);
  return {
    next: (event) => events.next(event),
    events$: events.asObservable(),
    state$: state.asObservable(),
    state: () => state.value,
    close: () => events.complete(),
  };
}
