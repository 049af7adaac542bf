import { type PointSamples, STALE, type SampleValue } from '../../src/model/sampleLine.js';

// sampleLine as f05c136 wrote it (on main from f05c136 to a410efa): ms, labels, names and values,
// each as JSON, separated by tabs. A spool made by a build of that time holds these lines.

const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

const jsonValue = (value: SampleValue): string => {
  if (value === STALE) return 'null';
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"+Inf"' : '"-Inf"';
};

/** A point's line in the tab-separated form of f05c136. */
export function tabSampleLine(point: PointSamples): string {
  const values = point.values.map(jsonValue).join(',');
  return `${jsonNumber(point.ms)}\t${JSON.stringify(point.labels)}\t${JSON.stringify(point.names)}\t[${values}]`;
}
