import stringWidth from 'string-width';

/**
 * C0 controls, DEL and C1 controls: a terminal acts on them (ESC starts an escape sequence that
 * may set the window title, the clipboard or clear the screen; U+009B is CSI on some terminals).
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text from outside (names, images, labels, the engine's messages) as it is safe to show:
 * each control character written as its escape, `\x1b`, so that a label cannot drive the
 * terminal and the user still sees that it was there.
 */
export const visible = (text: string): string =>
  text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

const segmenter = new Intl.Segmenter();

/** The user-perceived characters of a text: an emoji, a letter with its accents, a flag, each one. */
const graphemes = (text: string): string[] => Array.from(segmenter.segment(text), (g) => g.segment);

/** How many terminal columns a text takes once made visible: 2 for a kanji or an emoji, 0 for an accent. */
export const textWidth = (text: string): number => stringWidth(visible(text));

/** The longest start (or, `fromEnd`, end) of a visible text at most `width` columns wide, whole characters only. */
export function cut(text: string, width: number, fromEnd = false): string {
  const all = graphemes(visible(text));
  if (fromEnd) all.reverse();
  const kept: string[] = [];
  let used = 0;
  for (const g of all) {
    const w = stringWidth(g);
    if (used + w > width) break;
    kept.push(g);
    used += w;
  }
  return (fromEnd ? kept.reverse() : kept).join('');
}

/** A visible text padded with spaces to `width` columns, on the right (`left` aligned) or on the left. */
export function pad(text: string, width: number, align: 'left' | 'right'): string {
  const shown = visible(text);
  const spaces = ' '.repeat(Math.max(0, width - stringWidth(shown)));
  return align === 'left' ? shown + spaces : spaces + shown;
}
