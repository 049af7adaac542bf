import { type DaemonAlerts, type FiringAlert, anyCritical } from './firingAlerts.js';
import type { Line } from './line.js';
import { cut, textWidth, visible } from './terminalText.js';

/** `oom_killed db (critical)`: the rule, the container (its short id when it has no name), the severity. */
const alertText = (a: FiringAlert): string =>
  `${visible(a.rule)} ${visible(a.container || a.containerId.slice(0, 12) || '-')} (${visible(a.severity)})`;

/**
 * The header's line of a daemon's alerts, at most `width` columns: `alerts: 2 firing — oom_killed
 * db (critical), hot web-1 (warning)`, the most severe first (as `daemonAlerts` orders them); as
 * many as fit, then `+N more` (the first cut short when it alone does not fit). Red when one
 * is critical, yellow otherwise; `alerts: none` when none fires.
 */
export function alertsLine(alerts: DaemonAlerts, width: number): Line {
  const { firing } = alerts;
  if (firing.length === 0) return [{ text: 'alerts: none', tone: 'good' }];
  const head = `alerts: ${firing.length} firing — `;
  const items = firing.map(alertText);
  const more = (n: number): string => (n > 0 ? `, +${n} more` : '');
  // The most that fit with their `+N more`; the first one at least (the line is clipped after).
  let shown = items.length;
  const fits = (n: number): boolean => textWidth(head + items.slice(0, n).join(', ') + more(items.length - n)) <= width;
  while (shown > 1 && !fits(shown)) shown--;
  // Even the first one does not fit: its start, `~` where it is cut, and how many more.
  const room = width - textWidth(head + more(items.length - 1)) - 1;
  const first = fits(1) || room < 1 ? items[0]! : `${cut(items[0]!, room)}~`;
  const text = [first, ...items.slice(1, shown)].join(', ') + more(items.length - shown);
  return [
    { text: 'alerts: ', bold: true },
    { text: `${firing.length} firing`, tone: anyCritical(firing) ? 'bad' : 'warn', bold: true },
    { text: ` — ${text}` },
  ];
}
