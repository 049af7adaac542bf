import { performance } from 'node:perf_hooks';

/** What a probe is told: 200 when ok, else 503 with the reasons. */
export interface ProbeAnswer {
  readonly ok: boolean;
  readonly reasons: string[];
}

export interface LivenessLimits {
  readonly beatMs: number;
  readonly stallMs: number;
  readonly windowMs: number;
  /** Stalls within `windowMs` of each other that make liveness fail. */
  readonly repeats: number;
}

/**
 * Liveness (/livez, /healthz): the event loop's heartbeat, on a monotonic clock (a wall clock
 * set by NTP or a resumed VM is not a stall). A beat every `beatMs`; a beat that comes `stallMs`
 * or more late means the loop was blocked. Liveness answers 503 while stalls repeat: `repeats`
 * of them within `windowMs` (a heap near its limit that collects without end). One pause alone
 * (a long collection, a host that was busy) fails only the probe that waited through it: with
 * the probes every 30 s, 5 s timeout and 3 tries, one pause never restarts the collector, and a
 * loop that stays blocked is caught by the probes' timeouts. The pipeline's timers run on the
 * same loop, and a pipeline that fails or ends exits the process: a loop that beats is a
 * pipeline whose timers fire. A database or an engine that is down is readiness's business.
 */
export const LIVENESS: LivenessLimits = { beatMs: 1000, stallMs: 10_000, windowMs: 60_000, repeats: 2 };

/** A stall: when it ended and how long the loop was blocked, in ms. */
export interface Stall {
  readonly at: number;
  readonly ms: number;
}

/** Liveness from the latest stalls (oldest first): 503 while `repeats` of them fall within the window. */
export function liveness(stalls: readonly Stall[], now: number, limits: LivenessLimits = LIVENESS): ProbeAnswer {
  const recent = stalls.filter((s) => now - s.at < limits.windowMs);
  const last = recent.at(-1);
  if (last === undefined || recent.length < limits.repeats) return { ok: true, reasons: [] };
  const ago = Math.round((now - last.at) / 1000);
  const window = Math.round(limits.windowMs / 1000);
  return {
    ok: false,
    reasons: [
      `event loop: blocked ${recent.length} times in ${window} s, the last for ${Math.round(last.ms)} ms, ${ago} s ago`,
    ],
  };
}

/**
 * Starts the heartbeat (an unref'd interval: it never keeps the process up). `check()` answers
 * a liveness probe; `stop()` ends the beat. `now`: a monotonic clock in ms.
 */
export function loopHeartbeat(
  now: () => number = () => performance.now(),
  limits: LivenessLimits = LIVENESS,
): { check(): ProbeAnswer; stop(): void } {
  let previous = now();
  const stalls: Stall[] = [];
  const beat = setInterval(() => {
    const at = now();
    const late = at - previous - limits.beatMs;
    previous = at;
    if (late < limits.stallMs) return;
    stalls.push({ at, ms: late + limits.beatMs });
    if (stalls.length > limits.repeats) stalls.shift();
  }, limits.beatMs).unref();
  return { check: () => liveness(stalls, now(), limits), stop: () => clearInterval(beat) };
}
