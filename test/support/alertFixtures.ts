import { isLeft } from 'fp-ts/lib/Either.js';
import { type AlertInput, pointInput, removedInput, statusInput } from '../../src/alert/alertInput.js';
import { type AlertRule, alertRule } from '../../src/config/alertRule.js';
import type { AlertNotice } from '../../src/model/alert.js';
import type { ContainerRef } from '../../src/model/container.js';
import type { ContainerStatus } from '../../src/model/lifecycle.js';
import { type Fields, int } from '../../src/model/point.js';

/** A rule as a rule file writes it, decoded (so a fixture cannot be a rule the grammar refuses). */
export function rule(spec: Record<string, unknown>): AlertRule {
  const decoded = alertRule.decode({ name: 'r', ...spec });
  if (isLeft(decoded)) throw new Error(`fixture rule does not decode: ${JSON.stringify(spec)}`);
  return decoded.right;
}

export const container = (name: string, labels: Record<string, string> = {}): ContainerRef => ({
  id: `${name}-id`.padEnd(64, '0'),
  name,
  image: 'busybox:1.36',
  labels,
});

/** A `cpu` point of a container, tagged as the transform tags it. */
export const cpu = (c: ContainerRef, fields: Fields, sampledMs = 0): AlertInput =>
  pointInput({
    measurement: 'cpu',
    tags: { host: 'h1', container_id: c.id, container_name: c.name, image: 'busybox' },
    fields,
    timestamp: `${sampledMs * 1_000_000}`,
  });

export const status = (c: ContainerRef, state: string, more: Partial<ContainerStatus> = {}): AlertInput =>
  statusInput({
    status: { container: c, state, restartCount: 0, limits: {}, ...more },
    at: { seconds: 1, nanos: 0 },
  });

export const removed = (c: ContainerRef): AlertInput => removedInput(c);
export const tick: AlertInput = { kind: 'tick' };
export { int };

/** A notice in a few characters for marbles and lists: `F:hot:web@12` (status, rule, container, startsAt). */
export const shown = (n: AlertNotice): string =>
  `${n.status === 'firing' ? 'F' : 'R'}:${n.rule}:${n.container.name}@${n.startsAt}${n.endsAt === undefined ? '' : `-${n.endsAt}`}`;
