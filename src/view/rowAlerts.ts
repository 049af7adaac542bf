import type { ContainerRow } from './containerRow.js';
import type { DaemonAlerts, FiringAlert } from './firingAlerts.js';

/** An alert's container id, full or short, against a row's full id; by name when the alert has no id. */
const onRow = (alert: FiringAlert, row: ContainerRow): boolean =>
  alert.containerId !== ''
    ? alert.containerId.length >= 12 && (row.id.startsWith(alert.containerId) || alert.containerId.startsWith(row.id))
    : alert.container !== '' && alert.container === row.name;

/**
 * The rows, each with the alerts firing on it (in the daemon's order: most severe first), read
 * off a daemon's /metrics; the rows as they were when there is no daemon or it does not alert.
 * An alert on a container that has no row (`gone`: it went away) is in the header alone.
 */
export function withAlerts(rows: readonly ContainerRow[], alerts: DaemonAlerts | undefined): readonly ContainerRow[] {
  if (alerts === undefined) return rows;
  return rows.map((row) => ({ ...row, alerts: alerts.firing.filter((a) => onRow(a, row)) }));
}

/**
 * The alerts on containers that have no row (`gone`: removed; or left out by the filters), by
 * container (its id, else its name), in the daemon's order: `--format json` gives each a line.
 */
export function rowlessAlerts(
  rows: readonly ContainerRow[],
  alerts: DaemonAlerts | undefined,
): ReadonlyMap<string, readonly FiringAlert[]> {
  const byContainer = new Map<string, FiringAlert[]>();
  for (const alert of alerts?.firing ?? []) {
    if (rows.some((row) => onRow(alert, row))) continue;
    const key = alert.containerId || `name:${alert.container}`;
    byContainer.set(key, [...(byContainer.get(key) ?? []), alert]);
  }
  return byContainer;
}
