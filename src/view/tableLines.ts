import type { ContainerRow } from './containerRow.js';
import { GAP, type PlacedColumn } from './fitColumns.js';
import { type Line, type Segment, fit } from './line.js';

const gap: Segment = { text: ' '.repeat(GAP) };

/** The title line: the sorting column's title bold, with `v` (its natural order) or `^` (reversed). */
export function titleLine(placed: readonly PlacedColumn[], sortBy?: string, reversed = false): Line {
  return placed.flatMap(({ column, width }, i): Segment[] => {
    const sorted = column.id === sortBy;
    const title = sorted ? `${column.title}${reversed ? '^' : 'v'}` : column.title;
    const cell: Segment = { text: fit(title, width, column.align), tone: 'title', ...(sorted ? { bold: true } : {}) };
    return i === 0 ? [cell] : [gap, cell];
  });
}

/** A row's line, its cells painted by their columns' tones; `selected` shows it inverse. */
export function rowLine(row: ContainerRow, placed: readonly PlacedColumn[], selected = false): Line {
  return placed.flatMap(({ column, width }, i): Segment[] => {
    const tone = column.tone?.(row);
    const cell: Segment = {
      text: fit(column.cell(row), width, column.align),
      ...(tone ? { tone } : {}),
      ...(selected ? { inverse: true } : {}),
    };
    return i === 0 ? [cell] : [selected ? { ...gap, inverse: true } : gap, cell];
  });
}
