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

/** `network` fields per interface: the engine's eight counters, as integers. None without networks. */
export function networkFields(networks: Record<string, NetworkStats> | null | undefined): Array<[string, Fields]> {
  if (!networks) return [];
  return Object.entries(networks).map(([name, counters]) => {
    const fields: Fields = {};
    for (const key of COUNTERS) fields[key] = int(counters[key]);
    return [name, fields];
  });
}
