import type { DaemonAlerts } from './firingAlerts.js';
import { alertsLine } from './alertsLine.js';
import { COLUMNS } from './columns.js';
import type { ContainerRow } from './containerRow.js';
import { type DaemonHealth, type DaemonUnreachable, daemonLine } from './daemonHealth.js';
import { detailLines } from './detailLines.js';
import { nameFilter } from './filterRows.js';
import { fitColumns } from './fitColumns.js';
import { type Line, clip, joined } from './line.js';
import { sortRows } from './sortRows.js';
import { textWidth } from './terminalText.js';
import { rowLine, titleLine } from './tableLines.js';
import { type UiState, sortColumn } from './uiState.js';

/** What the header tells besides the rows: where they come from, and the daemon's health and alerts when asked. */
export interface HeaderInfo {
  readonly host: string;
  readonly engine: string;
  readonly source: string;
  readonly daemon?: DaemonHealth | DaemonUnreachable;
  /** Without a daemon: the alerts of the rules `top` evaluates itself (ALERT_RULES). */
  readonly alerts?: DaemonAlerts;
  /** The last warning of the sources (an engine that does not answer...). */
  readonly notice?: string;
}

export interface ScreenInput {
  readonly rows: readonly ContainerRow[];
  readonly ui: UiState;
  readonly header: HeaderInfo;
  readonly width: number;
  readonly height: number;
}

/** The rows the list shows, in order: filtered by name, sorted. */
export const shownRows = (rows: readonly ContainerRow[], ui: UiState): ContainerRow[] =>
  sortRows(rows.filter(nameFilter(ui.filter)), { column: sortColumn(ui), reversed: ui.reversed });

function headerLines({ header, rows, ui, width }: ScreenInput, shown: number): Line[] {
  const counted = ui.filter === '' ? `${rows.length}` : `${shown} of ${rows.length} (filter ${ui.filter})`;
  const lines: Line[] = [
    [{ text: 'docker-stats-service top', bold: true }, { text: `  host ${header.host}  containers ${counted}` }],
    [{ text: `engine ${header.engine}  source ${header.source}`, tone: 'dim' }],
  ];
  if (header.daemon) lines.push(daemonLine(header.daemon));
  // A daemon that alerts, or top's own rules: the firing alerts, most severe first (`alerts: none` while none fires).
  const alerts = header.daemon && 'alerts' in header.daemon ? header.daemon.alerts : header.alerts;
  if (alerts) lines.push(alertsLine(alerts, width));
  if (header.notice) lines.push([{ text: header.notice, tone: 'warn' }]);
  return lines;
}

/** The footer: the filter being typed, or the keys: each column's sort key (by importance), then the others. */
function footerLines(ui: UiState): Line[] {
  if (ui.detail !== undefined) return [[], [{ text: 'Esc back to the list  q quit', tone: 'dim' }]];
  if (ui.editing !== undefined)
    return [
      [],
      [
        { text: `/${ui.editing}_`, bold: true },
        { text: '  (Enter: apply, Esc: cancel)', tone: 'dim' },
      ],
    ];
  const keys = [...COLUMNS]
    .sort((a, b) => a.priority - b.priority)
    .map((c) => `${c.sortKey} ${c.title.toLowerCase().replace('/s', '')}`);
  return [
    [{ text: `sort: ${keys.join('  ')}`, tone: 'dim' }],
    [{ text: '/ filter  Enter detail  j/k move  Esc unfilter  q quit', tone: 'dim' }],
  ];
}

/**
 * The whole screen, `height` lines at most, each at most `width` wide: the header, then the
 * table of the shown rows (scrolled so that the selected one is on screen) and the footer; or,
 * with a detail open, that container's detail.
 */
export function screenLines(input: ScreenInput): Line[] {
  const { rows, ui, width, height } = input;
  const shown = shownRows(rows, ui);
  const header = headerLines(input, shown.length);
  const detailed = ui.detail === undefined ? undefined : rows.find((r) => r.key === ui.detail);
  let body: Line[];
  if (ui.detail !== undefined) {
    body = detailed
      ? detailLines(detailed)
      : [[{ text: 'the container is gone (Esc: back to the list)', tone: 'warn' }]];
  } else {
    const placed = fitColumns(COLUMNS, width, (c) =>
      Math.max(c.title.length + 1, ...shown.map((r) => textWidth(c.cell(r)))),
    );
    const room = Math.max(1, height - header.length - 4);
    // The selected row (the first when none is, or it is filtered out) stays on screen.
    const at = Math.max(
      0,
      shown.findIndex((r) => r.key === ui.selected),
    );
    const top = Math.max(0, at - room + 1);
    const visible = shown.slice(top, top + room);
    const selected = shown[at]?.key;
    body = [
      titleLine(placed, ui.sortBy, ui.reversed),
      ...visible.map((row) => rowLine(row, placed, row.key === selected)),
    ];
  }
  const footer = footerLines(ui);
  const room = Math.max(0, height - header.length - 1 - footer.length);
  const fill = Array<Line>(Math.max(0, room - body.length)).fill([]);
  return [...header, [], ...body.slice(0, room), ...fill, ...footer]
    .slice(0, height)
    .map((line) => joined(clip(line, width)));
}
