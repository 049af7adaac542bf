import * as t from 'io-ts';

/**
 * The evaluator's state, per (rule, container) under `alertKey`: pure data, so that it can be
 * kept beside the spool and restored after a restart (the codec reads it back).
 */

/** A time (ms since the epoch) that a date holds: a saved one beyond it would throw as a notice is formatted. */
export const EpochMs = t.refinement(t.number, (n) => Number.isFinite(n) && Math.abs(n) <= 8.64e15, 'EpochMs');

export const ContainerRefCodec = t.readonly(
  t.type({ id: t.string, name: t.string, image: t.string, labels: t.readonly(t.record(t.string, t.string)) }),
);

/**
 * inactive: the condition does not hold (kept only for what a rule remembers: restarts);
 * pending: it holds, not yet for `for`; firing: told; resolving: clear, held firing for
 * `keep_firing_for`; cooldown: resolved, not firing again until `cooldown` has passed.
 */
export const AlertPhase = t.keyof({ inactive: null, pending: null, firing: null, resolving: null, cooldown: null });
export type AlertPhase = t.TypeOf<typeof AlertPhase>;

export const AlertEntry = t.readonly(
  t.intersection([
    t.type({
      rule: t.string,
      container: ContainerRefCodec,
      phase: AlertPhase,
      /** Whether the condition holds, as last seen. */
      holds: t.boolean,
      /** When the condition began (ms): the alert's startsAt once it fires. */
      since: EpochMs,
    }),
    t.partial({
      host: t.string,
      /** The latest value and summary while it held. */
      value: t.number,
      summary: t.string,
      /** The rule's severity when it fired: its repeats and resolve say it (the rule changed or gone since). */
      severity: t.string,
      /** When the last firing notice went (for the repeat interval). */
      notifiedAt: t.number,
      /** resolving: when the condition went clear. */
      clearedAt: t.number,
      /** cooldown: when it resolved. */
      resolvedAt: t.number,
      /** resolving: it was flapping when it went clear, so it is held firing for the flapping window. */
      flapping: t.boolean,
      /** When it started firing, within the flapping window (ms): how flapping is told. */
      fired: t.readonlyArray(t.number),
      /** Threshold rules: when the last point of the container came (a series that stops goes stale). */
      seenAt: t.number,
      /** Threshold rules: the series (interface, device; '' for the container's one) over the threshold. */
      holding: t.readonlyArray(t.string),
      /** Restart rules: the restarts within the window (ms), the restart count and start last seen. */
      restarts: t.readonlyArray(t.number),
      restartCount: t.number,
      startedAt: t.string,
    }),
  ]),
);
export type AlertEntry = t.TypeOf<typeof AlertEntry>;

/**
 * `entries` by `alertKey`; `removed`: the ids of the containers that went away (ms), so that their
 * late points bring no threshold back, and their entries go once resolved.
 */
export const AlertState = t.readonly(
  t.intersection([
    t.type({
      entries: t.readonly(t.record(t.string, AlertEntry)),
      removed: t.readonly(t.record(t.string, t.number)),
    }),
    /** With threshold rules: the containers that stopped, and when (ms): their late points count no more. */
    t.partial({ stopped: t.readonly(t.record(t.string, t.number)) }),
  ]),
);
export type AlertState = t.TypeOf<typeof AlertState>;

/** A notice as the state file keeps it while its receiver has not taken it (`AlertNotice`'s codec). */
export const AlertNoticeCodec = t.readonly(
  t.intersection([
    t.type({
      rule: t.string,
      status: t.keyof({ firing: null, resolved: null }),
      severity: t.string,
      container: ContainerRefCodec,
      summary: t.string,
      startsAt: EpochMs,
    }),
    t.partial({ value: t.number, endsAt: EpochMs, host: t.string }),
  ]),
);

export const EMPTY_ALERT_STATE: AlertState = { entries: {}, removed: {} };

/** A saved state read back (JSON.parse'd), or undefined when it is not one: then the evaluator starts afresh. */
export function restoreAlertState(saved: unknown): AlertState | undefined {
  const decoded = AlertState.decode(saved);
  return decoded._tag === 'Right' ? decoded.right : undefined;
}
