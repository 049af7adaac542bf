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
