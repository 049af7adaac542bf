import { COLUMNS } from './columns.js';
import type { ContainerRow } from './containerRow.js';
import { fitColumns } from './fitColumns.js';
import type { DaemonAlerts, FiringAlert } from './firingAlerts.js';
import { plain } from './line.js';
import { rowlessAlerts } from './rowAlerts.js';
import { sortRows } from './sortRows.js';
import { rowLine, titleLine } from './tableLines.js';
import { textWidth } from './terminalText.js';
import { sortColumn, initialUi } from './uiState.js';

/** The rows as `docker stats --no-stream` would order them for a script: by name. */
const byName = (rows: readonly ContainerRow[]): ContainerRow[] =>
  sortRows(rows, { column: sortColumn(initialUi('name')), reversed: false });

/** A plain table of every column, no colours, trailing blanks trimmed. */
export function plainTable(rows: readonly ContainerRow[]): string {
  // Unbounded, the text columns are as wide as their longest value: a script gets whole names.
  const placed = fitColumns(COLUMNS, Infinity).map((p) =>
    p.column.grow !== undefined
      ? { ...p, width: Math.max(p.column.width, ...rows.map((r) => textWidth(p.column.cell(r)))) }
      : p,
  );
  const lines = [titleLine(placed), ...byName(rows).map((row) => rowLine(row, placed))];
  return lines.map((line) => `${plain(line).trimEnd()}\n`).join('');
}

/**
 * DEL and the C1 controls, which JSON.stringify leaves as they are (it escapes C0 alone): a
 * terminal showing the output would act on them (U+009B is CSI on some).
 */
const UNESCAPED_CONTROL = /[\u007f-\u009f]/g;
const escaped = (json: string): string =>
  json.replace(UNESCAPED_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const alertObjects = (alerts: readonly FiringAlert[]) =>
  alerts.map((a) => ({ rule: a.rule, severity: a.severity, container: a.container, container_id: a.containerId }));

/**
 * One JSON object per container and line (JSON Lines), with units in the keys; no control
 * character as it is. With a daemon's alerts, the containers they fire on that have no row (gone)
 * follow, one line each: `id`, `name` and `alerts` only.
 */
export function jsonLines(rows: readonly ContainerRow[], daemonAlerts?: DaemonAlerts): string {
  const rowless = [...rowlessAlerts(rows, daemonAlerts).values()].map((alerts) =>
    JSON.stringify({ id: alerts[0]!.containerId, name: alerts[0]!.container, alerts: alertObjects(alerts) }),
  );
  const lines = byName(rows).map((r) =>
    JSON.stringify({
      host: r.host,
      id: r.id,
      name: r.name,
      image: r.image,
      state: r.state,
      health: r.health,
      exit_code: r.exitCode,
      oom_killed: r.oomKilled,
      restarts: r.restarts,
      uptime_seconds: r.uptimeSeconds,
      cpu_percent: r.cpuPercent,
      cpu_limit_percent: r.limitPercent,
      cpu_limit_cpus: r.limitCpus,
      memory_used_bytes: r.memUsed,
      memory_limit_bytes: r.memLimit,
      memory_percent: r.memPercent,
      pids: r.pids,
      pids_limit: r.pidsLimit,
      net_rx_bytes_per_second: r.netRxPerSec,
      net_tx_bytes_per_second: r.netTxPerSec,
      block_read_bytes_per_second: r.blockReadPerSec,
      block_write_bytes_per_second: r.blockWritePerSec,
      interfaces: r.interfaces.map((i) => ({
        name: i.name,
        rx_bytes: i.rxBytes,
        tx_bytes: i.txBytes,
        rx_bytes_per_second: i.rxPerSec,
        tx_bytes_per_second: i.txPerSec,
        errors: i.errors,
        dropped: i.dropped,
      })),
      devices: r.devices.map((d) => ({
        name: d.name,
        read_bytes: d.readBytes,
        write_bytes: d.writeBytes,
        read_bytes_per_second: d.readPerSec,
        write_bytes_per_second: d.writePerSec,
      })),
      labels: r.labels,
      // With --daemon, from a daemon that alerts: the alerts firing on it, most severe first.
      ...(r.alerts ? { alerts: alertObjects(r.alerts) } : {}),
    }),
  );
  return [...lines, ...rowless].map((line) => `${escaped(line)}\n`).join('');
}
