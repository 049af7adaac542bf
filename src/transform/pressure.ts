import type { PressureSample } from '../model/containerSample.js';
import { type Fields, int } from '../model/point.js';

/**
 * PSI totals as fields: `pressure_some_time_ns` and, where the kernel gives it,
 * `pressure_full_time_ns` (counters in ns, as `throttled_time_ns`; cAdvisor's
 * `container_pressure_<resource>_waiting_seconds_total` and `..._stalled_seconds_total` are
 * these / 1e9). Added to `fields` in place; no pressure, no field (never 0).
 */
export function addPressure(fields: Fields, pressure: PressureSample | undefined): Fields {
  if (!pressure) return fields;
  fields.pressure_some_time_ns = int(pressure.someNs);
  if (pressure.fullNs !== undefined) fields.pressure_full_time_ns = int(pressure.fullNs);
  return fields;
}

/**
 * The cpu and memory points' PSI rides on them when they are written (a first sample has no cpu
 * point: no base for its percentages). io's is the container's, not a device's: a `blockio` point
 * of its own with no `device` tag, so that summing the devices' counters never counts it, and a
 * container with no block I/O yet (most) still has it.
 */
export const ioPressureFields = (pressure: PressureSample | undefined): Fields | undefined =>
  pressure ? addPressure({}, pressure) : undefined;
