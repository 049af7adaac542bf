import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { type TelemetryState, foldTelemetry, initialTelemetry } from '../../src/telemetry/telemetryState.js';

/** The state a list of telemetry events folds to, as the service's `scan` makes it. */
export const folded = (events: readonly TelemetryEvent[]): TelemetryState =>
  events.reduce(foldTelemetry, initialTelemetry());
