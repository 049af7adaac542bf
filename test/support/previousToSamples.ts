// As it was before f05c136 (one JSON array a sample line), kept to compare versions:
// test/unit/sampleLineVersions.test.ts. Only its imports are changed.
import type { FieldValue, Point } from '../../src/model/point.js';
import { metricName, promLabels } from '../../src/encode/promNames.js';

/** A point's samples as the version before held them: names and values in one flat array. */
export interface PointSamples {
  readonly ms: number;
  readonly labels: readonly string[];
  readonly samples: readonly (string | number)[];
}

/** A field as a sample value: numbers as they are, booleans 0 / 1; strings are no sample. */
export function sampleValue(value: FieldValue): number | undefined {
  if (typeof value === 'string') return undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number(value);
}

/** ns since the epoch (decimal digits) as whole ms: Prometheus's time. */
export function nanosToMs(timestamp: string): number {
  return timestamp.length > 6 ? Number(timestamp.slice(0, -6)) : 0;
}

/**
 * A point as samples, or undefined when it has no numeric field. Labels are made once per tag
 * object: the transform gives every point of a container the same one, so this is once per
 * container rather than once per point.
 */
export function samplesOf(): (point: Point) => PointSamples | undefined {
  const labelSets = new WeakMap<object, readonly string[]>();
  // A metric's name per measurement and field, made once: sanitizing is a regex per field.
  const names = new Map<string, Map<string, string>>();
  const nameOf = (measurement: string, field: string): string => {
    let fields = names.get(measurement);
    if (!fields) names.set(measurement, (fields = new Map()));
    let name = fields.get(field);
    if (name === undefined) fields.set(field, (name = metricName(measurement, field)));
    return name;
  };
  return (point) => {
    let labels = labelSets.get(point.tags);
    if (!labels) labelSets.set(point.tags, (labels = promLabels(point.tags)));
    const samples: (string | number)[] = [];
    for (const field of Object.keys(point.fields)) {
      const value = sampleValue(point.fields[field]!);
      if (value !== undefined) samples.push(nameOf(point.measurement, field), value);
    }
    return samples.length > 0 ? { ms: nanosToMs(point.timestamp), labels, samples } : undefined;
  };
}
