import { createHash } from 'node:crypto';
import type { AlertNotice } from '../../src/model/alert.js';

/** A 64-hex id from a name: one of its own for each name. */
export const idOf = (seed: string): string => createHash('sha256').update(seed).digest('hex');

/** A firing notice of `rule` on container `name`, with whatever else the test sets. */
export function firing(name: string, over: Partial<AlertNotice> = {}): AlertNotice {
  return {
    rule: 'hot',
    status: 'firing',
    severity: 'warning',
    container: { id: idOf(name), name, image: 'nginx:1.27', labels: {} },
    summary: `cpu at 93% of its limit on ${name}`,
    value: 93.5,
    startsAt: Date.UTC(2026, 11, 6, 12, 0, 0),
    host: 'bed',
    ...over,
  };
}

/** The resolved notice of the same alert (same rule, container and start), ended at `endsAt`. */
export const resolved = (notice: AlertNotice, endsAt = notice.startsAt + 60_000): AlertNotice => ({
  ...notice,
  status: 'resolved',
  endsAt,
});
