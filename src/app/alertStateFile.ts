import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchedulerLike, Subscription } from 'rxjs';
import { type AlertState, AlertNoticeCodec, restoreAlertState } from '../alert/alertState.js';
import type { AlertNotice } from '../model/alert.js';
import type { Logger } from '../model/logger.js';

/** The evaluator's state beside the spool: what it notified, so a restart does not tell it again. */
export const ALERT_STATE_FILE = 'alerts-state.json';

/** The notices each receiver (by name) has not taken yet: told by the state, so kept with it. */
export type AlertOutbox = Readonly<Record<string, readonly AlertNotice[]>>;

export interface AlertStateFile {
  /** The state saved by the last run, if there is one that reads back. */
  readonly initial: AlertState | undefined;
  /** What the receivers had not taken when it was saved: theirs to send first. */
  readonly outbox: AlertOutbox;
  /** `evaluateAlerts`' onState: the state is written soon, at most once every `everyMs`. */
  save(state: AlertState): void;
  /**
   * The outbox changed: written with the last state, as `save` writes; `taken` (a receiver took
   * or gave up notices), at the next turn instead, not up to `everyMs` later: a kill -9 meanwhile
   * would send them again at the next start.
   */
  touch(taken?: boolean): void;
  /** Writes the last state if it was not yet (at stop), and stops the timer. */
  close(): void;
}

/** The notices of a saved outbox that read back; one that does not is left out (and said). */
function readOutbox(saved: unknown, path: string, log: Logger): AlertOutbox {
  if (typeof saved !== 'object' || saved === null) return {};
  const outbox: Record<string, AlertNotice[]> = {};
  let unread = 0;
  for (const [receiver, notices] of Object.entries(saved)) {
    const list = Array.isArray(notices) ? (notices as unknown[]) : [];
    outbox[receiver] = list.flatMap((n) => {
      const decoded = AlertNoticeCodec.decode(n);
      if (decoded._tag === 'Right') return [decoded.right];
      unread++;
      return [];
    });
  }
  if (unread > 0) log.warn({ path, unread }, 'notices waiting in the saved alert state do not read back: not sent');
  return outbox;
}

/** The saved state and outbox, or none: no file yet, or one that does not read back (said; starting afresh). */
function readState(path: string, log: Logger): { state?: AlertState; outbox: AlertOutbox } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn({ path, err: error }, 'cannot read the alert state');
    return { outbox: {} };
  }
  try {
    // The outbox apart: io-ts keeps keys it does not know, and the state must not carry it on.
    const { outbox, ...saved } = JSON.parse(text) as { outbox?: unknown };
    const state = restoreAlertState(saved);
    if (state) return { state, outbox: readOutbox(outbox, path, log) };
  } catch {
    // not JSON: said below
  }
  log.warn({ path }, 'the saved alert state does not read back: starting afresh (what fires is told again)');
  return { outbox: {} };
}

/**
 * The alert state kept in `dir/alerts-state.json`, with what the receivers have not taken yet
 * (`outboxOf`, read at each write): read at start, written after a change at most once every
 * `everyMs` (the state changes with every point of a threshold that holds) and at stop. Never at
 * once: the notices of a change reach their receivers' queues first, so a state that says they
 * were told is never written without them. A write goes to a temporary file renamed over the old
 * one, so that a crash mid-write leaves the old state, never half of a new one. A write that
 * fails is logged once and tried at the next change. Old versions read the file, outbox aside.
 */
export function alertStateFile(
  dir: string,
  log: Logger,
  scheduler: SchedulerLike,
  everyMs = 1000,
  outboxOf: () => AlertOutbox = () => ({}),
): AlertStateFile {
  const path = join(dir, ALERT_STATE_FILE);
  const { state: initial, outbox } = readState(path, log);
  let current = initial;
  let dirty = false;
  let writtenAt = -Infinity;
  let timer: Subscription | undefined;
  let failed = false;
  const write = (): void => {
    timer = undefined;
    if (!dirty || current === undefined) return;
    dirty = false;
    writtenAt = scheduler.now();
    const waiting = Object.entries(outboxOf()).filter(([, notices]) => notices.length > 0);
    try {
      const text = JSON.stringify(waiting.length > 0 ? { ...current, outbox: Object.fromEntries(waiting) } : current);
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
      failed = false;
    } catch (error) {
      // what fit of it would keep the last bytes of a full disk, which the spool needs
      try {
        rmSync(`${path}.tmp`, { force: true });
      } catch {
        // a read-only disk: nothing was written
      }
      if (!failed) log.warn({ path, err: error }, 'cannot save the alert state: a restart may tell alerts again');
      failed = true;
      // still to be written: at the next change, or at close if none comes
      dirty = true;
    }
  };
  const schedule = (soon = false): void => {
    dirty = true;
    if (soon && timer) {
      timer.unsubscribe();
      timer = undefined;
    }
    timer ??= scheduler.schedule(write, soon ? 0 : Math.max(0, writtenAt + everyMs - scheduler.now()));
  };
  return {
    initial,
    outbox,
    save(state) {
      current = state;
      schedule();
    },
    touch: (taken = false) => schedule(taken),
    close() {
      timer?.unsubscribe();
      write();
    },
  };
}
