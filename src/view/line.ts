import type { Tone } from './columns.js';
import { cut, pad, textWidth } from './terminalText.js';

/** A run of text on one screen line, with how it is painted where the terminal has colours. */
export interface Segment {
  readonly text: string;
  readonly tone?: Tone | 'dim' | 'title';
  readonly bold?: boolean;
  readonly inverse?: boolean;
}

export type Line = readonly Segment[];

/**
 * A text made visible (`visible`), cut to `width` terminal columns and padded to them. A cut is
 * in the middle, `~` in its place (no container name has one): a name keeps its start and its
 * end, so that `shop-worker-1` and `shop-worker-2` (compose's project, service and replica)
 * stay apart. Cuts fall between whole characters: a wide one that does not fit leaves a space.
 */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width < 1) return '';
  if (textWidth(text) <= width) return pad(text, width, align);
  const tail = Math.floor((width - 1) / 2);
  const start = cut(text, width - 1 - tail);
  const end = cut(text, tail, true);
  return pad(`${pad(start, width - 1 - tail, 'left')}~${pad(end, tail, 'right')}`, width, align);
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

/** A line made visible and cut to `width` terminal columns, segment by segment: nothing else reaches the terminal. */
export function clip(line: Line, width: number): Line {
  const out: Segment[] = [];
  let room = width;
  for (const segment of line) {
    if (room <= 0) break;
    const text = cut(segment.text, room);
    out.push(text === segment.text ? segment : { ...segment, text });
    // A segment cut short ends the line: a narrow one after it would stand past a missing character.
    if (textWidth(segment.text) > room) break;
    room -= textWidth(text);
  }
  return out;
}
