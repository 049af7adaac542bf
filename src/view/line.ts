import type { Tone } from './columns.js';

/** A run of text on one screen line, with how it is painted where the terminal has colours. */
export interface Segment {
  readonly text: string;
  readonly tone?: Tone | 'dim' | 'title';
  readonly bold?: boolean;
  readonly inverse?: boolean;
}

export type Line = readonly Segment[];

/**
 * A text cut to `width` characters and padded to it. A cut is in the middle, `~` in its place
 * (no container name has one): a name keeps its start and its end, so that `shop-worker-1` and
 * `shop-worker-2` (compose's project, service and replica) stay apart.
 */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const tail = Math.floor((width - 1) / 2);
  const cut =
    text.length <= width
      ? text
      : width < 1
        ? ''
        : `${text.slice(0, width - 1 - tail)}~${text.slice(text.length - tail)}`;
  return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}

/** A line's text without its paint. */
export const plain = (line: Line): string => line.map((s) => s.text).join('');

const sameStyle = (a: Segment, b: Segment): boolean =>
  a.tone === b.tone && a.bold === b.bold && a.inverse === b.inverse;

/** A line with its neighbouring segments of the same style joined: fewer runs for the terminal library to paint. */
export function joined(line: Line): Line {
  const out: Segment[] = [];
  for (const segment of line) {
    const last = out.at(-1);
    if (last && sameStyle(last, segment)) out[out.length - 1] = { ...last, text: last.text + segment.text };
    else out.push(segment);
  }
  return out;
}

/** A line cut to `width` characters, segment by segment. */
export function clip(line: Line, width: number): Line {
  const out: Segment[] = [];
  let room = width;
  for (const segment of line) {
    if (room <= 0) break;
    out.push(segment.text.length <= room ? segment : { ...segment, text: segment.text.slice(0, room) });
    room -= segment.text.length;
  }
  return out;
}
