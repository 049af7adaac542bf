import { RFC3339_NANO } from '../validate/statsCodec.js';

export interface Instant {
  /** Whole seconds since the epoch. */
  readonly seconds: number;
  /** Nanoseconds within that second. */
  readonly nanos: number;
}

/** Parses the engine's RFC 3339 timestamp to the nanosecond (Date.parse stops at the millisecond). */
export function parseInstant(text: string): Instant | undefined {
  const m = RFC3339_NANO.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return { seconds: ms / 1000, nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

/** Decimal nanoseconds since the epoch, for the line protocol. */
export function toNanoString({ seconds, nanos }: Instant): string {
  return seconds === 0 ? String(nanos) : `${seconds}${String(nanos).padStart(9, '0')}`;
}

/** b - a in nanoseconds (exact for the short spans between samples). */
export const nanosBetween = (a: Instant, b: Instant): number => (b.seconds - a.seconds) * 1e9 + (b.nanos - a.nanos);
