import type { FieldValue, Point } from '../model/point.js';
import type { PointSamples } from '../model/sampleLine.js';
import { metricName, promLabels } from './promNames.js';

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

/** A shape of a measurement's points: the names of the numeric fields met so far, in order. */
interface Shape {
  readonly names: readonly string[];
  readonly next: Map<string, Shape>;
}

/**
 * A point as samples, or undefined when it has no numeric field. Labels are made once per tag
 * object: the transform gives every point of a container the same one, so this is once per
 * container rather than once per point. Names are made once per shape (the numeric fields a
 * point has, in order), found by walking a tree of field names; every point of a shape shares
 * one names array, whose text `sampleLine` then makes once.
 */
export function samplesOf(): (point: Point) => PointSamples | undefined {
  const labelSets = new WeakMap<object, readonly string[]>();
  const roots = new Map<string, Shape>();
  const shapeAfter = (shape: Shape, measurement: string, field: string): Shape => {
    let next = shape.next.get(field);
    // Sanitizing is a regex per field: once per shape and field.
    if (!next)
      shape.next.set(field, (next = { names: [...shape.names, metricName(measurement, field)], next: new Map() }));
    return next;
  };
  return (point) => {
    let labels = labelSets.get(point.tags);
    if (!labels) labelSets.set(point.tags, (labels = promLabels(point.tags)));
    let shape = roots.get(point.measurement);
    if (!shape) roots.set(point.measurement, (shape = { names: [], next: new Map() }));
    const values: number[] = [];
    for (const field of Object.keys(point.fields)) {
      const value = sampleValue(point.fields[field]!);
      if (value === undefined) continue;
      shape = shapeAfter(shape, point.measurement, field);
      values.push(value);
    }
    return values.length > 0 ? { ms: nanosToMs(point.timestamp), labels, names: shape.names, values } : undefined;
  };
}
