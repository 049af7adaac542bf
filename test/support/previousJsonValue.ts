import { STALE } from '../../src/model/sampleLine.js';

/** The previous sampleLine's value for JSON.stringify: NaN and the infinities as strings, the marker as null. */
export const previousJsonValue = (v: string | number): string | number | null =>
  v === STALE
    ? null
    : typeof v === 'string' || Number.isFinite(v)
      ? v
      : Number.isNaN(v)
        ? 'NaN'
        : v > 0
          ? '+Inf'
          : '-Inf';

/** A line as the version before wrote it: `JSON.stringify([ms, labels, [name, value, ...]])`. */
export const previousSampleLine = (point: {
  readonly ms: number;
  readonly labels: readonly string[];
  readonly samples: readonly (string | number)[];
}): string => JSON.stringify([point.ms, point.labels, point.samples.map(previousJsonValue)]);
