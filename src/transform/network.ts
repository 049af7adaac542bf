import { type Fields, int } from '../model/point.js';
import type { NetworkStats } from '../model/statsRecord.js';

const COUNTERS = [
  'rx_bytes',
  'tx_bytes',
  'rx_packets',
  'tx_packets',
  'rx_errors',
  'tx_errors',
  'rx_dropped',
  'tx_dropped',
] as const;

/**
 * Podman's compat API sums the container's interfaces into one entry named `network` (or the
 * endpoint id) and writes its packet and error counters as 0: one point, `interface=all`, with
 * the two byte counters it really has, which is what `podman stats` shows as NET IO.
 */
export const PODMAN_INTERFACE = 'all';

/** `network` fields per interface: the engine's eight counters, as integers. None without networks. */
export function networkFields(
  networks: Record<string, NetworkStats> | null | undefined,
  podman = false,
): Array<[string, Fields]> {
  if (!networks) return [];
  if (podman) {
    let rx = 0;
    let tx = 0;
    for (const counters of Object.values(networks)) {
      rx += counters.rx_bytes;
      tx += counters.tx_bytes;
    }
    return [[PODMAN_INTERFACE, { rx_bytes: int(rx), tx_bytes: int(tx) }]];
  }
  return Object.entries(networks).map(([name, counters]) => {
    const fields: Fields = {};
    for (const key of COUNTERS) fields[key] = int(counters[key]);
    return [name, fields];
  });
}
