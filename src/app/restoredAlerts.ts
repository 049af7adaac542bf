import type { AlertState } from '../alert/alertState.js';
import type { AlertRule } from '../config/alertRule.js';
import type { AlertQueue } from '../deliver/alert/alertQueue.js';
import type { AlertNotice } from '../model/alert.js';
import type { Logger } from '../model/logger.js';
import type { AlertOutbox } from './alertStateFile.js';

// What the alerting takes from the state a restart restored: the alerts it has firing, and the
// notices its receivers had not taken.

/** The alerts a restored state has firing, as /metrics shows them before any notice (none is told again). */
export function firingIn(state: AlertState | undefined, rules: readonly AlertRule[]): ReadonlyMap<string, AlertNotice> {
  const severity = new Map(rules.map((r) => [r.name, r.severity]));
  const firing = new Map<string, AlertNotice>();
  for (const [key, e] of Object.entries(state?.entries ?? {})) {
    const rule = severity.get(e.rule);
    if (rule === undefined || (e.phase !== 'firing' && e.phase !== 'resolving')) continue;
    firing.set(key, {
      rule: e.rule,
      status: 'firing',
      severity: e.severity ?? rule,
      container: e.container,
      summary: e.summary ?? e.rule,
      ...(e.value !== undefined && { value: e.value }),
      startsAt: e.since,
      ...(e.host !== undefined && { host: e.host }),
    });
  }
  return firing;
}

/** A saved outbox into the receivers' queues; the notices of a receiver no longer configured are said, not sent. */
export function restoreOutbox(outbox: AlertOutbox, queues: ReadonlyMap<string, AlertQueue>, log: Logger): void {
  for (const [name, notices] of Object.entries(outbox)) {
    const queue = queues.get(name);
    if (queue) {
      const dropped = queue.push(notices);
      if (dropped > 0)
        log.warn(
          { receiver: name, notices: notices.length, dropped, max: queue.max },
          'more notices saved for a receiver than its queue holds: the oldest firing ones not sent',
        );
    } else if (notices.length > 0)
      log.warn(
        { receiver: name, notices: notices.length },
        'notices saved for a receiver no longer configured: not sent',
      );
  }
}
