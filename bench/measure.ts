/** Runs `fn` for about `ms` after a warm-up and returns microseconds per call. */
export function microsPerCall(fn: () => unknown, ms = 1000): number {
  const warmUntil = performance.now() + ms / 4;
  while (performance.now() < warmUntil) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 100; i++) fn();
    calls += 100;
    now = performance.now();
  }
  return ((now - start) * 1000) / calls;
}

export const fmt = (n: number, digits = 2): string => n.toFixed(digits);
