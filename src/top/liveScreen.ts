import ansiEscapes from 'ansi-escapes';
import { Box, type Key, Text, render, useApp, useInput, useStdout } from 'ink';
import { createElement as h, useEffect, useRef, useState } from 'react';
import type { Observable } from 'rxjs';
import type { Segment } from '../view/line.js';
import { screenLines, shownRows } from '../view/screenLines.js';
import { type KeyPress, type UiState, initialUi, onKey } from '../view/uiState.js';
import type { ViewData } from './viewFeed.js';

const TONES = { good: 'green', warn: 'yellow', bad: 'red', title: 'cyan', dim: 'gray' } as const;

/**
 * Test only (test/integration/top.tmux.test.ts): DSS_TEST_TOP_FAULT=feed throws in the view's
 * subscription (outside React: an uncaught exception), =render in its render, once the first
 * refresh has come; they show that a fault of the view restores the terminal. Unset in use.
 */
const fault = (): string | undefined => process.env.DSS_TEST_TOP_FAULT;

/** The view's sources failed: their error is the user's to read, as it is. */
class SourceFailure extends Error {
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** Ink's key flags, and the names `onKey` knows them by. */
const KEY_NAMES: readonly (readonly [keyof Key, NonNullable<KeyPress['name']>])[] = [
  ['upArrow', 'up'],
  ['downArrow', 'down'],
  ['pageUp', 'pageUp'],
  ['pageDown', 'pageDown'],
  ['home', 'home'],
  ['end', 'end'],
  ['return', 'enter'],
  ['escape', 'escape'],
  ['backspace', 'backspace'],
  // Most terminals send DEL for the Backspace key, which Ink reports as `delete`.
  ['delete', 'backspace'],
];

/** A key as Ink reports it, named for `onKey`. */
function keyPress(input: string, key: Key): KeyPress {
  const name = KEY_NAMES.find(([flag]) => key[flag] === true)?.[1];
  return { input, ...(name ? { name } : {}), ...(key.ctrl ? { ctrl: true } : {}) };
}

interface AppProps {
  readonly view$: Observable<ViewData>;
  readonly initial: ViewData;
  readonly sortBy: string;
  readonly colours: boolean;
}

/** The live screen: the view's lines for this terminal's size; keys go through `onKey`. */
function TopApp({ view$, initial, sortBy, colours }: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [view, setView] = useState(initial);
  const [ui, setUi] = useState<UiState>(() => initialUi(sortBy));
  const [size, setSize] = useState({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const latest = useRef(view);
  latest.current = view;
  useEffect(() => {
    // A failure of the view's sources ends the screen (restoring the terminal) with it.
    const subscription = view$.subscribe({
      next: (next) => {
        if (fault() === 'feed') throw new Error('test fault in the view (DSS_TEST_TOP_FAULT=feed)');
        setView(next);
      },
      error: (error: unknown) => exit(new SourceFailure(error)),
    });
    return () => subscription.unsubscribe();
  }, [view$, exit]);
  useEffect(() => {
    const resized = (): void => setSize({ width: stdout.columns || 80, height: stdout.rows || 24 });
    stdout.on('resize', resized);
    return () => void stdout.off('resize', resized);
  }, [stdout]);
  useInput((input, key) =>
    setUi((state) =>
      onKey(
        state,
        keyPress(input, key),
        shownRows(latest.current.rows, state).map((r) => r.key),
      ),
    ),
  );
  useEffect(() => {
    if (ui.quit) exit();
  }, [ui.quit, exit]);
  if (fault() === 'render' && view !== initial) throw new Error('test fault in the view (DSS_TEST_TOP_FAULT=render)');
  // One line less than the terminal: a frame as tall as the screen would scroll it.
  const lines = screenLines({ ...view, ui, width: size.width, height: size.height - 1 });
  const paint = (s: Segment, i: number) =>
    h(
      Text,
      {
        key: i,
        ...(colours && s.tone ? { color: TONES[s.tone] } : {}),
        ...(s.bold ? { bold: true } : {}),
        ...(s.inverse ? { inverse: true } : {}),
      },
      s.text,
    );
  return h(
    Box,
    { flexDirection: 'column' },
    lines.map((line, i) => h(Text, { key: i, wrap: 'truncate' }, line.length === 0 ? ' ' : line.map(paint))),
  );
}

/**
 * Runs the live view on the terminal's alternate screen until `q` or Ctrl-C (or SIGINT,
 * SIGTERM), then restores the screen, the cursor and the terminal's mode. Colours only when
 * the terminal has them (Node's hasColors: NO_COLOR, FORCE_COLOR, TERM). It rejects with the
 * sources' error when they fail, and with the stack of a fault of the view itself (an error in
 * its render, or an exception nothing caught while it ran): the terminal is restored first.
 */
export async function liveScreen(view$: Observable<ViewData>, initial: ViewData, sortBy: string): Promise<void> {
  const out = process.stdout;
  // Node would print an uncaught exception and exit on the alternate screen: it ends the screen
  // instead (`render`'s unmount takes no error: it is kept here).
  let uncaught: { error: unknown } | undefined;
  let unmount = (): void => undefined;
  const stop = (): void => unmount();
  const crashed = (error: unknown): void => {
    uncaught ??= { error };
    unmount();
  };
  out.write(ansiEscapes.enterAlternativeScreen);
  process.once('SIGINT', stop).once('SIGTERM', stop).on('uncaughtException', crashed);
  try {
    const app = render(h(TopApp, { view$, initial, sortBy, colours: out.hasColors() }), {
      exitOnCtrlC: false,
      patchConsole: true,
    });
    unmount = app.unmount;
    await app.waitUntilExit();
    if (uncaught) throw uncaught.error;
  } catch (error) {
    if (error instanceof SourceFailure) throw error.error;
    throw new Error(`the view failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop).off('uncaughtException', crashed);
    out.write(ansiEscapes.exitAlternativeScreen + ansiEscapes.cursorShow);
  }
}
