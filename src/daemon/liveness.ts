/** What a probe is told: 200 when ok, else 503 with the reasons. */
export interface ProbeAnswer {
  readonly ok: boolean;
  readonly reasons: string[];
}

export interface LivenessLimits {
  readonly beatMs: number;
  readonly stallMs: number;
  readonly windowMs: number;
}

/**
 * Liveness (/livez, /healthz): the event loop's heartbeat. A beat every `beatMs`; a beat that
 * comes `stallMs` or more late means the loop was blocked (a hang, a heap near its limit that
 * collects without end), and liveness answers 503 for `windowMs` after it, so that a probe
 * landing between two stalls still sees them. The pipeline's timers run on the same loop, and a
 * pipeline that fails or ends exits the process: a loop that beats is a pipeline whose timers
 * fire. A database or an engine that is down is readiness's business, never liveness's.
 */
export const LIVENESS: LivenessLimits = { beatMs: 1000, stallMs: 10_000, windowMs: 60_000 };

/** The last stall, if any: when it ended and how long the loop was blocked, in ms. */
export interface Stall {
  readonly at: number;
  readonly ms: number;
}

/** Liveness from the last stall: a stall within the window is a 503. */
export function liveness(last: Stall | undefined, now: number, window = LIVENESS.windowMs): ProbeAnswer {
  if (last === undefined || now - last.at >= window) return { ok: true, reasons: [] };
  const ago = Math.round((now - last.at) / 1000);
  return { ok: false, reasons: [`event loop: blocked for ${Math.round(last.ms)} ms, ${ago} s ago`] };
}

/**
 * Starts the heartbeat (an unref'd interval: it never keeps the process up). `check()` answers
 * a liveness probe; `stop()` ends the beat.
 */
export function loopHeartbeat(now: () => number = Date.now, limits = LIVENESS): { check(): ProbeAnswer; stop(): void } {
  let previous = now();
  let last: Stall | undefined;
  const beat = setInterval(() => {
    const at = now();
    const late = at - previous - limits.beatMs;
    previous = at;
    if (late >= limits.stallMs) last = { at, ms: late + limits.beatMs };
  }, limits.beatMs).unref();
  return { check: () => liveness(last, now(), limits.windowMs), stop: () => clearInterval(beat) };
}
