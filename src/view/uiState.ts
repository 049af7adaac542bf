import { COLUMNS, type Column } from './columns.js';

/** What the user chose: order, filter, selection, the detail view, and whether to quit. */
export interface UiState {
  /** The sorting column's id, and whether its order is reversed. */
  readonly sortBy: string;
  readonly reversed: boolean;
  /** The name glob applied. */
  readonly filter: string;
  /** The filter being typed after `/`, until Enter or Esc. */
  readonly editing?: string;
  /** The selected row's key. */
  readonly selected?: string;
  /** The row shown in detail (Enter). */
  readonly detail?: string;
  readonly quit: boolean;
}

/** A key press, as the terminal library reports it, named. */
export interface KeyPress {
  /** The character typed, if any. */
  readonly input: string;
  readonly name?: 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'enter' | 'escape' | 'backspace';
  readonly ctrl?: boolean;
}

export const initialUi = (sortBy = 'cpu'): UiState => ({ sortBy, reversed: false, filter: '', quit: false });

const columnById = (id: string): Column | undefined => COLUMNS.find((c) => c.id === id);

/** The column a state sorts by (CPU if the id is unknown). */
export const sortColumn = (ui: UiState): Column => columnById(ui.sortBy) ?? columnById('cpu')!;

const PAGE = 10;

/** One character of a text typed at once, as a key: a carriage return is Enter, DEL Backspace. */
const charKey = (char: string): KeyPress =>
  char === '\r' || char === '\n'
    ? { input: '', name: 'enter' }
    : char === '\x7f' || char === '\b'
      ? { input: '', name: 'backspace' }
      : { input: char };

function move(ui: UiState, shown: readonly string[], by: number): UiState {
  if (shown.length === 0) return ui;
  // No selection (or one filtered out) is the first row, as the screen shows it.
  const at = Math.max(0, ui.selected === undefined ? 0 : shown.indexOf(ui.selected));
  const next = Math.max(0, Math.min(shown.length - 1, at + by));
  return { ...ui, selected: shown[next]! };
}

function whileEditing(ui: UiState, key: KeyPress, typed: string): UiState {
  const { editing: _editing, ...rest } = ui;
  if (key.name === 'enter') return { ...rest, filter: typed };
  if (key.name === 'escape') return rest;
  if (key.name === 'backspace') return { ...ui, editing: typed.slice(0, -1) };
  if (key.input && !key.ctrl && key.name === undefined && !/[\x00-\x1f\x7f]/.test(key.input))
    return { ...ui, editing: typed + key.input };
  return ui;
}

function inList(ui: UiState, key: KeyPress, shown: readonly string[]): UiState {
  switch (key.name) {
    case 'up':
      return move(ui, shown, -1);
    case 'down':
      return move(ui, shown, 1);
    case 'pageUp':
      return move(ui, shown, -PAGE);
    case 'pageDown':
      return move(ui, shown, PAGE);
    case 'home':
      return move(ui, shown, -shown.length);
    case 'end':
      return move(ui, shown, shown.length);
    case 'enter': {
      const selected = ui.selected !== undefined && shown.includes(ui.selected) ? ui.selected : shown[0];
      return selected === undefined ? ui : { ...ui, selected, detail: selected };
    }
    case 'escape':
      return { ...ui, filter: '' };
  }
  if (key.input === 'k') return move(ui, shown, -1);
  if (key.input === 'j') return move(ui, shown, 1);
  if (key.input === '/') return { ...ui, editing: ui.filter };
  const column = COLUMNS.find((c) => c.sortKey === key.input);
  if (column) return { ...ui, sortBy: column.id, reversed: column.id === ui.sortBy ? !ui.reversed : false };
  return ui;
}

/**
 * The state after a key: `q` or Ctrl-C quits; in the list, a column's key sorts by it (again:
 * reversed), arrows / j k move, Enter opens the detail, `/` types a filter, Esc clears it; in
 * the detail, Esc, Enter, Backspace or `h` go back. `shown` is the rows on screen, in order.
 */
export function onKey(ui: UiState, key: KeyPress, shown: readonly string[]): UiState {
  // Keys typed faster than the terminal is read (or pasted) come as one text: one key per character.
  if (key.name === undefined && !key.ctrl && key.input.length > 1)
    return [...key.input].reduce((state, char) => onKey(state, charKey(char), shown), ui);
  if (key.ctrl && key.input === 'c') return { ...ui, quit: true };
  if (ui.editing !== undefined) return whileEditing(ui, key, ui.editing);
  if (key.input === 'q' && !key.ctrl) return { ...ui, quit: true };
  if (ui.detail !== undefined) {
    const back = key.name === 'escape' || key.name === 'enter' || key.name === 'backspace' || key.input === 'h';
    if (!back) return ui;
    const { detail: _detail, ...rest } = ui;
    return rest;
  }
  return inList(ui, key, shown);
}
