import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchedulerLike, Subscription } from 'rxjs';
import { type AlertState, restoreAlertState } from '../alert/alertState.js';
import type { Logger } from '../model/logger.js';

/** The evaluator's state beside the spool: what it notified, so a restart does not tell it again. */
export const ALERT_STATE_FILE = 'alerts-state.json';

export interface AlertStateFile {
  /** The state saved by the last run, if there is one that reads back. */
  readonly initial: AlertState | undefined;
  /** `evaluateAlerts`' onState: the state is written now, or at most `everyMs` after the last write. */
  save(state: AlertState): void;
  /** Writes the last state if it was not yet (at stop), and stops the timer. */
  close(): void;
}

/** The saved state, or undefined: none yet, or one that does not read back (said; the evaluator starts afresh). */
function readState(path: string, log: Logger): AlertState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn({ path, err: error }, 'cannot read the alert state');
    return undefined;
  }
  try {
    const state = restoreAlertState(JSON.parse(text));
    if (state) return state;
  } catch {
    // not JSON: said below
  }
  log.warn({ path }, 'the saved alert state does not read back: starting afresh (what fires is told again)');
  return undefined;
}

/**
 * The alert state kept in `dir/alerts-state.json`: read at start, written on change at most once
 * every `everyMs` (the state changes with every point of a threshold that holds) and at stop. A
 * write goes to a temporary file renamed over the old one, so that a crash mid-write leaves the
 * old state, never half of a new one. A write that fails is logged once and tried at the next change.
 */
export function alertStateFile(dir: string, log: Logger, scheduler: SchedulerLike, everyMs = 1000): AlertStateFile {
  const path = join(dir, ALERT_STATE_FILE);
  const initial = readState(path, log);
  let latest: AlertState | undefined;
  let writtenAt = -Infinity;
  let timer: Subscription | undefined;
  let failed = false;
  const write = (): void => {
    timer = undefined;
    if (latest === undefined) return;
    const state = latest;
    latest = undefined;
    writtenAt = scheduler.now();
    try {
      writeFileSync(`${path}.tmp`, JSON.stringify(state));
      renameSync(`${path}.tmp`, path);
      failed = false;
    } catch (error) {
      if (!failed) log.warn({ path, err: error }, 'cannot save the alert state: a restart may tell alerts again');
      failed = true;
    }
  };
  return {
    initial,
    save(state) {
      latest = state;
      if (timer) return;
      const wait = writtenAt + everyMs - scheduler.now();
      if (wait <= 0) write();
      else timer = scheduler.schedule(write, wait);
    },
    close() {
      timer?.unsubscribe();
      write();
    },
  };
}
