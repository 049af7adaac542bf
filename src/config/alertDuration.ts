import * as t from 'io-ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** ms of a duration such as `5s`, `2m`, `1h`, `1h30m`, `500ms` (0 alone too); undefined otherwise. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (!DURATION.test(s)) return undefined;
  let ms = 0;
  for (const [, n, unit] of s.matchAll(PART)) ms += Number(n) * UNIT_MS[unit!]!;
  return Math.round(ms);
}

/** The shortest text `parseDuration` reads back as `ms`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) text += `${n}${unit}`;
    rest -= n * size;
  }
  return text;
}

/** A duration in a rule file (`for: 5s`), as ms. A bare number other than 0 has no unit: refused. */
export const duration = new t.Type<number, string, unknown>(
  'a duration such as 30s, 5m or 1h',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0,
  (u, c) => {
    const ms = typeof u === 'string' ? parseDuration(u) : u === 0 ? 0 : undefined;
    return ms === undefined
      ? t.failure(u, c, typeof u === 'number' ? 'a number needs a unit (ms, s, m, h, d)' : undefined)
      : t.success(ms);
  },
  formatDuration,
);
