import type { Column } from './columns.js';
import type { ContainerRow } from './containerRow.js';

/** How the rows are ordered: by a column, its natural way (numbers biggest first, text A to Z) or reversed. */
export interface SortOrder {
  readonly column: Column;
  readonly reversed: boolean;
}

/**
 * The rows sorted by a column; rows without a value go last either way, and ties go by name so
 * that rows do not swap places from one refresh to the next.
 */
export function sortRows(rows: readonly ContainerRow[], { column, reversed }: SortOrder): ContainerRow[] {
  const sign = reversed ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = column.sortValue(a);
    const y = column.sortValue(b);
    if (x === undefined || y === undefined) {
      if (x !== y) return x === undefined ? 1 : -1;
    } else if (x !== y) {
      const natural = typeof x === 'number' && typeof y === 'number' ? y - x : String(x).localeCompare(String(y));
      return sign * natural;
    }
    return a.name.localeCompare(b.name) || a.key.localeCompare(b.key);
  });
}
