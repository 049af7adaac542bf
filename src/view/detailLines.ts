import { status } from './columns.js';
import type { ContainerRow } from './containerRow.js';
import { anyCritical } from './firingAlerts.js';
import { bytes, decimalBytes, duration, integer, percent } from './format.js';
import { type Line, fit } from './line.js';

const text = (s: string): Line => [{ text: s }];
const title = (s: string): Line => [{ text: s, tone: 'title', bold: true }];

/** A table of fixed-width cells: the first left-aligned, the others right-aligned. */
const cells = (values: readonly string[], widths: readonly number[]): Line =>
  text(values.map((v, i) => fit(v, widths[i]!, i === 0 ? 'left' : 'right')).join(' '));

/** The alerts firing on it, with `--daemon` (most severe first): one line, red with a critical one. */
const alertLines = ({ alerts = [] }: ContainerRow): Line[] =>
  alerts.length === 0
    ? []
    : [
        [
          {
            text: `alerts ${alerts.map((a) => `${a.rule} (${a.severity})`).join(', ')}`,
            tone: anyCritical(alerts) ? 'bad' : 'warn',
          },
        ],
      ];

/** One container in full: identity, state, CPU and memory against their limits, each interface, device and label. */
export function detailLines(row: ContainerRow): Line[] {
  const limit =
    row.limitCpus === undefined ? 'no CPU limit' : `limit ${row.limitCpus} CPUs (${percent(row.limitPercent)} of it)`;
  const pidsLimit = row.pidsLimit === undefined ? '' : ` of ${row.pidsLimit}`;
  const exited = row.exitCode === undefined ? '' : `  exit code ${row.exitCode}${row.oomKilled ? ' (OOM killed)' : ''}`;
  const netWidths = [16, 9, 9, 10, 10, 7, 7];
  const blockWidths = [16, 9, 9, 10, 10];
  const labels = Object.entries(row.labels).sort(([a], [b]) => a.localeCompare(b));
  return [
    [{ text: row.name, bold: true }, { text: `  ${row.id.slice(0, 12)}  image ${row.image}  host ${row.host}` }],
    text(
      `status ${status(row)}  state ${row.state ?? '-'}  health ${row.health ?? '-'}  restarts ${integer(row.restarts)}` +
        `  uptime ${duration(row.uptimeSeconds)}${exited}`,
    ),
    text(`CPU ${percent(row.cpuPercent)}  ${limit}  pids ${integer(row.pids)}${pidsLimit}`),
    text(`memory ${bytes(row.memUsed)} of ${bytes(row.memLimit)} (${percent(row.memPercent)})`),
    ...alertLines(row),
    [],
    title(cells(['NETWORK', 'RX/s', 'TX/s', 'RX', 'TX', 'ERRORS', 'DROPPED'], netWidths)[0]!.text),
    ...row.interfaces.map((i) =>
      cells(
        [
          i.name,
          decimalBytes(i.rxPerSec),
          decimalBytes(i.txPerSec),
          decimalBytes(i.rxBytes),
          decimalBytes(i.txBytes),
          integer(i.errors),
          integer(i.dropped),
        ],
        netWidths,
      ),
    ),
    [],
    title(cells(['BLOCK DEVICE', 'READ/s', 'WRITE/s', 'READ', 'WRITTEN'], blockWidths)[0]!.text),
    ...row.devices.map((d) =>
      cells(
        [
          d.name,
          decimalBytes(d.readPerSec),
          decimalBytes(d.writePerSec),
          decimalBytes(d.readBytes),
          decimalBytes(d.writeBytes),
        ],
        blockWidths,
      ),
    ),
    [],
    title('LABELS'),
    ...(labels.length === 0 ? [text('(none)')] : labels.map(([k, v]) => text(`${k}=${v}`))),
  ];
}
