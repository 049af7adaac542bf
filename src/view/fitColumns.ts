import type { Column } from './columns.js';

/** A column as laid out: its width on this screen. */
export interface PlacedColumn {
  readonly column: Column;
  readonly width: number;
}

/** One space between columns. */
export const GAP = 1;

/** How wide a column's values are (its title included); default: as wide as it may grow. */
export type Wanted = (column: Column) => number;

const widest: Wanted = (c) => c.width + (c.grow ?? 0);

/**
 * The columns that fit in `width`: the least important (highest `priority`) leave first, the
 * rest keep their order; a `whole` column (the name) keeps its values whole (up to its widest,
 * and never wider than `width`) before any other is kept; the room left is shared by the other
 * growing columns, in their order, up to what their values need. `width` Infinity keeps every column.
 */
export function fitColumns(columns: readonly Column[], width: number, wanted: Wanted = widest): PlacedColumn[] {
  const need = (c: Column): number => Math.max(c.width, Math.min(widest(c), wanted(c)));
  const least = (c: Column): number => (c.whole ? Math.min(need(c), width) : c.width);
  const widthOf = (cs: readonly Column[]): number =>
    cs.reduce((sum, c) => sum + least(c), 0) + GAP * Math.max(0, cs.length - 1);
  let kept = [...columns];
  const byPriority = [...columns].sort((a, b) => b.priority - a.priority);
  for (const column of byPriority) {
    if (widthOf(kept) <= width || kept.length === 1) break;
    kept = kept.filter((c) => c !== column);
  }
  let room = width - widthOf(kept);
  return kept.map((column) => {
    const extra = Math.max(0, Math.min(need(column) - least(column), room));
    room -= extra;
    return { column, width: least(column) + extra };
  });
}
