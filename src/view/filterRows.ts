import picomatch from 'picomatch';
import type { ContainerRow } from './containerRow.js';

/**
 * The rows whose name matches a glob (`web-*`, `*db*`); a text without glob characters matches
 * names that contain it, as a search would. An empty filter keeps every row.
 */
export function nameFilter(glob: string): (row: ContainerRow) => boolean {
  if (glob === '') return () => true;
  const pattern = picomatch.scan(glob).isGlob ? glob : `*${glob}*`;
  const matches = picomatch(pattern, { dot: true, nocase: true });
  return (row) => matches(row.name);
}
