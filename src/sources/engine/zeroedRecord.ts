// Go's zero time in `read`: what the engine sends for a container that is not running.
// `"read"` with its opening quote, so `"preread":"0001-..."` (zero in every first record) never matches.
const ZEROED = /"read"\s*:\s*"0001-01-01T00:00:00Z"/;

/**
 * True for a raw stats record the engine sends for a stopped container (Engine 20.10 keeps the
 * stream open and sends these every second): it carries no measurement, only zeroes.
 */
export function isZeroedRecord(line: string): boolean {
  // The engine writes `read` first: look at the head of the record, not all its ~2 kB, unless
  // the head has no `read` at all (another engine's key order).
  const head = line.slice(0, 64);
  return head.includes('"read"') ? ZEROED.test(head) : ZEROED.test(line);
}
