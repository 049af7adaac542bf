import type { ContainerRow } from './containerRow.js';
import { anyCritical } from './firingAlerts.js';
import { bytes, decimalBytes, duration, integer, percent } from './format.js';

/** A colour the screen may paint a cell in (only where the terminal has colours). */
export type Tone = 'good' | 'warn' | 'bad';

/** One column of the table: how wide, how important, how it is written, sorted and painted. */
export interface Column {
  readonly id: string;
  readonly title: string;
  /** Its width; a column with `grow` takes up to `grow` more when the screen has room. */
  readonly width: number;
  readonly grow?: number;
  /** Kept as wide as its values (up to `width` + `grow`) before less important columns are kept. */
  readonly whole?: true;
  readonly align: 'left' | 'right';
  /** Lower is kept longer when the screen is narrow. */
  readonly priority: number;
  /** The key that sorts by it (shown in the footer). */
  readonly sortKey: string;
  readonly cell: (row: ContainerRow) => string;
  /** What it sorts by: numbers sort biggest first, text A to Z. */
  readonly sortValue: (row: ContainerRow) => number | string | undefined;
  readonly tone?: (row: ContainerRow) => Tone | undefined;
}

/** running, healthy / unhealthy / starting (a running container's health), exited(3), paused... */
export function status(row: ContainerRow): string {
  if (row.state === 'running' && row.health) return row.health;
  if (row.state === 'exited' && row.exitCode !== undefined) return `exited(${row.exitCode})`;
  return row.state ?? '-';
}

const statusTone = (row: ContainerRow): Tone | undefined =>
  row.health === 'unhealthy' || row.oomKilled || (row.state === 'exited' && row.exitCode !== 0) || row.state === 'dead'
    ? 'bad'
    : row.state === 'running'
      ? row.health === 'starting'
        ? 'warn'
        : 'good'
      : 'warn';

/** The name column's paint: a container with a firing alert in red (critical) or yellow. */
const alertTone = (row: ContainerRow): Tone | undefined =>
  !row.alerts?.length ? undefined : anyCritical(row.alerts) ? 'bad' : 'warn';

/** A container's name, `!` before it while an alert fires on it (no engine allows `!` in a name). */
const marked = (row: ContainerRow): string => (row.alerts?.length ? `!${row.name}` : row.name);

const loadTone = (v: number | undefined): Tone | undefined =>
  v === undefined ? undefined : v >= 90 ? 'bad' : v >= 50 ? 'warn' : undefined;

const sum = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);

type Value = (row: ContainerRow) => number | undefined;

/** A right-aligned column of numbers: `value` written with `format`, sorted by `sortBy` (default the value). */
const numeric = (
  spec: Pick<Column, 'id' | 'title' | 'width' | 'priority' | 'sortKey' | 'tone'>,
  value: Value,
  format: (v: number | undefined) => string,
  sortBy: Value = value,
): Column => ({ ...spec, align: 'right', cell: (r) => format(value(r)), sortValue: sortBy });

/** A left-aligned column of text, sorted A to Z. */
const text = (
  spec: Pick<Column, 'id' | 'title' | 'width' | 'grow' | 'whole' | 'priority' | 'sortKey' | 'tone'>,
  value: (row: ContainerRow) => string,
): Column => ({ ...spec, align: 'left', cell: value, sortValue: value });

/** The table's columns, in the order they are shown. */
export const COLUMNS: readonly Column[] = [
  {
    ...text(
      { id: 'name', title: 'NAME', width: 12, grow: 18, whole: true, priority: 0, sortKey: 'n', tone: alertTone },
      marked,
    ),
    sortValue: (r) => r.name,
  },
  text({ id: 'image', title: 'IMAGE', width: 12, grow: 14, priority: 9, sortKey: 'i' }, (r) => r.image),
  text({ id: 'status', title: 'STATUS', width: 10, priority: 4, sortKey: 's', tone: statusTone }, status),
  numeric(
    { id: 'cpu', title: 'CPU%', width: 5, priority: 1, sortKey: 'c', tone: (r) => loadTone(r.limitPercent) },
    (r) => r.cpuPercent,
    percent,
  ),
  numeric(
    { id: 'limit', title: 'LIM%', width: 5, priority: 5, sortKey: 'l', tone: (r) => loadTone(r.limitPercent) },
    (r) => r.limitPercent,
    percent,
  ),
  numeric({ id: 'mem', title: 'MEM', width: 7, priority: 2, sortKey: 'm' }, (r) => r.memUsed, bytes),
  numeric({ id: 'memLimit', title: 'LIMIT', width: 7, priority: 12, sortKey: 'L' }, (r) => r.memLimit, bytes),
  numeric(
    { id: 'memPercent', title: 'MEM%', width: 5, priority: 3, sortKey: 'M', tone: (r) => loadTone(r.memPercent) },
    (r) => r.memPercent,
    percent,
  ),
  // x sorts by the whole network traffic, b by the whole block I/O; X and w by one direction.
  numeric(
    { id: 'rx', title: 'RX/s', width: 6, priority: 6, sortKey: 'x' },
    (r) => r.netRxPerSec,
    decimalBytes,
    (r) => sum(r.netRxPerSec, r.netTxPerSec),
  ),
  numeric({ id: 'tx', title: 'TX/s', width: 6, priority: 6.5, sortKey: 'X' }, (r) => r.netTxPerSec, decimalBytes),
  numeric(
    { id: 'read', title: 'RD/s', width: 6, priority: 7, sortKey: 'b' },
    (r) => r.blockReadPerSec,
    decimalBytes,
    (r) => sum(r.blockReadPerSec, r.blockWritePerSec),
  ),
  numeric(
    { id: 'write', title: 'WR/s', width: 6, priority: 7.5, sortKey: 'w' },
    (r) => r.blockWritePerSec,
    decimalBytes,
  ),
  numeric({ id: 'pids', title: 'PIDS', width: 5, priority: 10, sortKey: 'p' }, (r) => r.pids, integer),
  numeric(
    {
      id: 'restarts',
      title: 'RST',
      width: 3,
      priority: 11,
      sortKey: 'r',
      tone: (r) => (r.restarts ? 'warn' : undefined),
    },
    (r) => r.restarts,
    integer,
  ),
  numeric({ id: 'uptime', title: 'UPTIME', width: 7, priority: 11.5, sortKey: 'u' }, (r) => r.uptimeSeconds, duration),
];
