import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIVENESS, liveness, loopHeartbeat } from '../../src/daemon/liveness.js';

// The heartbeat on virtual time: fake intervals, and the clock it reads moved by the test.
afterEach(() => vi.useRealTimers());

/** The probes of the DaemonSet's livenessProbe and the image's HEALTHCHECK: every 30 s, 5 s timeout, 3 tries. */
const PROBE = { everyMs: 30_000, timeoutMs: 5_000, tries: 3 };

/**
 * Runs the heartbeat for `seconds` on a virtual clock, the event loop blocked `stalls` (start s →
 * length ms) at times, and probes it every 30 s from `phaseMs`: whether each probe failed. A probe
 * sent while the loop is blocked is answered when it is free again, after the late beat, or times
 * out (5 s).
 */
function probeRun(stalls: ReadonlyMap<number, number>, phaseMs: number, seconds: number): boolean[] {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  let t = 0;
  const heartbeat = loopHeartbeat(() => t);
  const failed: boolean[] = [];
  let nextProbe = phaseMs;
  try {
    for (let s = 0; s < seconds; s++) {
      const from = t;
      t += LIVENESS.beatMs + (stalls.get(s) ?? 0); // the next beat, late by the stall
      vi.advanceTimersByTime(LIVENESS.beatMs);
      for (; nextProbe <= t; nextProbe += PROBE.everyMs) {
        if (nextProbe <= from) continue;
        const waited = t - nextProbe;
        failed.push(waited > PROBE.timeoutMs || !heartbeat.check().ok);
      }
    }
  } finally {
    heartbeat.stop();
  }
  return failed;
}

/** The longest run of failed probes in a row: a restart at `PROBE.tries`. */
function longestRun(failed: readonly boolean[]): number {
  let run = 0;
  let most = 0;
  for (const f of failed) most = Math.max(most, (run = f ? run + 1 : 0));
  return most;
}

describe('liveness: the event loop heartbeat (README, "Operating it")', () => {
  it('a wall-clock step (NTP, a VM resumed) is not a stall: the heartbeat reads a monotonic clock', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const heartbeat = loopHeartbeat();
    try {
      for (let step = 0; step < 3; step++) {
        vi.advanceTimersByTime(5 * LIVENESS.beatMs);
        vi.setSystemTime(Date.now() + 15_000); // the wall clock jumps; the loop beat on time
        vi.advanceTimersByTime(LIVENESS.beatMs);
      }
      expect(heartbeat.check()).toEqual({ ok: true, reasons: [] });
    } finally {
      heartbeat.stop();
    }
  });

  it.each([11_000, 25_000])(
    "one %i ms pause fails at most one probe, whatever the probes' phase: never a restart",
    (ms) => {
      for (let phase = 0; phase < PROBE.everyMs; phase += 1000) {
        const failed = probeRun(new Map([[40, ms]]), phase, 240);
        expect(longestRun(failed), `probes from ${phase} ms`).toBeLessThanOrEqual(1);
      }
    },
  );

  it('stalls that repeat (11 s every 20 s, a heap collecting without end) fail every probe: a restart', () => {
    const stalls = new Map(Array.from({ length: 10 }, (_, i) => [30 + 20 * i, 11_000] as const));
    for (let phase = 0; phase < PROBE.everyMs; phase += 5000) {
      const failed = probeRun(stalls, phase, 200);
      expect(longestRun(failed), `probes from ${phase} ms`).toBeGreaterThanOrEqual(PROBE.tries);
    }
  });

  it('503 while stalls repeat within the window, naming them; 200 once the window has passed the last', () => {
    const one = [{ at: 100_000, ms: 12_000 }];
    const two = [...one, { at: 130_000, ms: 11_000 }];
    expect(liveness([], 100_000)).toEqual({ ok: true, reasons: [] });
    expect(liveness(one, 101_000)).toEqual({ ok: true, reasons: [] });
    expect(liveness(two, 140_000)).toEqual({
      ok: false,
      reasons: ['event loop: blocked 2 times in 60 s, the last for 11000 ms, 10 s ago'],
    });
    expect(liveness(two, 100_000 + LIVENESS.windowMs)).toEqual({ ok: true, reasons: [] });
  });
});
