import { type OperatorFunction, map } from 'rxjs';
import type { AlertNotice } from '../model/alert.js';
import type { ContainerRef } from '../model/container.js';
import { type Fields, int, type Point } from '../model/point.js';
import { toNanoString } from '../model/timestamp.js';

/** A notice's time (ms): when it resolved, else when it was told (`now`). */
const nanosOf = (ms: number): string =>
  toNanoString({ seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) % 1e9 });

/**
 * A notice as the `alert` measurement (README, "Measurements"): tags `rule`, `severity`, `host`
 * and the container's tags as its other measurements have them; fields `firing` (true, then
 * false when it resolves), `value` where the rule has one, `started_at` (ms). One point per
 * notice, at the time it was told: a firing alert's series says it fires, its last point that
 * it resolved.
 *
 * ```
 * notices: -F------F-----R-|     (F: firing, again at the repeat interval; R: resolved)
 * result:  -t------t-----f-|     (t: firing=true, f: firing=false)
 * ```
 */
export function alertPoints(
  containerTags: (container: ContainerRef) => Record<string, string>,
  now: () => number,
): OperatorFunction<AlertNotice, Point> {
  return map((notice) => {
    const fields: Fields = { firing: notice.status === 'firing', started_at: int(notice.startsAt) };
    if (notice.value !== undefined) fields.value = notice.value;
    return {
      measurement: 'alert',
      tags: {
        ...containerTags(notice.container),
        rule: notice.rule,
        severity: notice.severity,
        ...(notice.host !== undefined && { host: notice.host }),
      },
      fields,
      timestamp: nanosOf(notice.endsAt ?? now()),
    };
  });
}
