import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import type { ContainerRow } from '../../src/view/containerRow.js';
import { type Line, clip, fit, plain } from '../../src/view/line.js';
import { screenLines } from '../../src/view/screenLines.js';
import { jsonLines, plainTable } from '../../src/view/snapshot.js';
import { initialUi } from '../../src/view/uiState.js';

// Text from outside top (names, images, labels, the engine's messages) on the terminal: its
// control characters shown, never acted on; its width in terminal columns, cut between characters.
const row = (name: string, values: Partial<ContainerRow> = {}): ContainerRow => ({
  key: `h/${name}`,
  host: 'h',
  id: 'c0ffee000000',
  name,
  image: 'local/busybox',
  labels: {},
  state: 'running',
  interfaces: [],
  devices: [],
  ...values,
});
const header = { host: 'h', engine: 'e', source: 'api' };
const screen = (rows: ContainerRow[], width: number, ui: Partial<ReturnType<typeof initialUi>> = {}, notice?: string) =>
  screenLines({
    rows,
    ui: { ...initialUi(), ...ui },
    header: { ...header, ...(notice ? { notice } : {}) },
    width,
    height: 30,
  }).map(plain);
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// OSC 2 (window title), OSC 52 (clipboard), a screen clear, a colour, DEL and the C1 CSI.
const HOSTILE = '\u001b]2;pwned\u0007\u001b]52;c;cm0gLXJmIC8=\u0007\u001b[2J\u001b[31mred\u007f\u009b1m';

describe('top: control characters from outside are shown, not sent', () => {
  const hostile = row(`web${HOSTILE}`, {
    image: `img${HOSTILE}`,
    state: `running${HOSTILE}`,
    labels: { note: HOSTILE, [`key${HOSTILE}`]: 'v' },
    interfaces: [{ name: `eth0${HOSTILE}`, rxBytes: 0, txBytes: 0 }],
    devices: [{ name: `sda${HOSTILE}` }],
  });

  it('in the list, the detail view and the header: every control character written as its escape', () => {
    const list = screen([hostile], 200, {}, `warn: ${HOSTILE}`);
    const detail = screen([hostile], 200, { detail: hostile.key }, `warn: ${HOSTILE}`);
    for (const lines of [list, detail]) expect(lines.filter((l) => CONTROL.test(l))).toEqual([]);
    expect(detail).toContain('note=\\x1b]2;pwned\\x07\\x1b]52;c;cm0gLXJmIC8=\\x07\\x1b[2J\\x1b[31mred\\x7f\\x9b1m');
    expect(list.join('\n')).toContain('warn: \\x1b]2;pwned');
  });

  it('the filter being typed (a paste may carry escapes) is shown the same way', () => {
    expect(screen([hostile], 100, { editing: '\u001b]2;x\u0007' }).at(-1)).toMatch(/^\/\\x1b\]2;x\\x07_/);
  });

  it('the plain table of --once has none; its JSON lines escape DEL and C1 too, and parse back to the value', () => {
    expect(
      plainTable([hostile])
        .split('\n')
        .filter((l) => CONTROL.test(l)),
    ).toEqual([]);
    expect(plainTable([hostile]).split('\n')[1]).toMatch(/^web\\x1b\]2;pwned\\x07/);
    const json = jsonLines([hostile]);
    expect(CONTROL.test(json.trimEnd())).toBe(false);
    expect(JSON.parse(json).labels.note).toBe(HOSTILE);
  });

  it('any text: no control character reaches a screen line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 120 }), (text, width) => {
        const r = row(text, { image: text, labels: { [text]: text } });
        const lines = [...screen([r], width), ...screen([r], width, { detail: r.key })];
        return lines.every((l) => !CONTROL.test(l) && stringWidth(l) <= width);
      }),
    );
  });
});

describe('top: widths in terminal columns', () => {
  // Wide (CJK, emoji, a flag, a family of joined emoji), combining accents, and narrow text.
  const TEXTS = [
    '漢字漢字漢字漢字漢字漢字',
    '😀😀😀😀😀😀',
    'a😀b漢c字d',
    '🇫🇷🇩🇪🇯🇵',
    '👨‍👩‍👧‍👦 family',
    'e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301',
    'shop-worker-1',
    'x',
    '',
  ];

  it('a fitted cell is exactly as wide as asked, left or right, and splits no character (a table of texts)', () => {
    for (const text of TEXTS)
      for (let width = 0; width <= 14; width++)
        for (const align of ['left', 'right'] as const) {
          const cell = fit(text, width, align);
          expect(stringWidth(cell), `${text} to ${width}`).toBe(width);
          expect(LONE_SURROGATE.test(cell), `${text} to ${width}`).toBe(false);
          expect(
            [...new Intl.Segmenter().segment(cell)].every((g) => text.includes(g.segment) || /^[ ~]$/.test(g.segment)),
          ).toBe(true);
        }
    expect(fit('漢字漢字漢字漢字漢字漢字', 9)).toBe('漢字~漢字');
    expect(fit('漢字漢字漢字漢字漢字漢字', 8)).toBe('漢字~ 字');
    expect(fit('😀😀😀😀😀😀', 4)).toBe('😀~ ');
    expect(fit('e\u0301e\u0301e\u0301', 3)).toBe('e\u0301e\u0301e\u0301');
  });

  it('any text: a fitted cell is exactly as wide as asked, with no lone surrogate (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 0, max: 40 }), (text, width) => {
        const cell = fit(text, width);
        return stringWidth(cell) === width && !LONE_SURROGATE.test(cell);
      }),
    );
  });

  it('a line is clipped to the width in columns, between characters', () => {
    const line: Line = [{ text: 'ab' }, { text: '漢字漢字', bold: true }, { text: 'z' }];
    expect(plain(clip(line, 5))).toBe('ab漢');
    expect(plain(clip(line, 6))).toBe('ab漢字');
    expect(clip(line, 6)[1]).toEqual({ text: '漢字', bold: true });
  });

  it('a wide name, image and label: table and detail lines stay within the terminal', () => {
    const r = row('漢字漢字漢字漢字漢字漢字', {
      image: '運用チーム/イメージ:最新版',
      labels: { team: '運用チーム運用チーム運用チーム運用チーム運用チーム' },
    });
    const rows = [r, row('a-very-long-container-name-1'), row('x')];
    for (let width = 1; width <= 120; width++) {
      const lines = [...screen(rows, width), ...screen(rows, width, { detail: r.key })];
      expect(
        lines.filter((l) => stringWidth(l) > width),
        `width ${width}`,
      ).toEqual([]);
    }
    // The plain table's columns line up in terminal columns: STATUS over each row's status.
    const [title, ...lines] = plainTable(rows).split('\n').filter(Boolean);
    const at = (line: string, word: string): number => stringWidth(line.slice(0, line.indexOf(word)));
    expect(lines.map((l) => at(l, ' running') + 1)).toEqual(lines.map(() => at(title!, 'STATUS')));
  });
});
