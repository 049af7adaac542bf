import type { NetworkSample } from '../model/containerSample.js';
import { type Fields, int } from '../model/point.js';

/**
 * `network` fields per interface: its counters as integers, the byte counters always, the
 * others where the source has them. None without networks.
 */
export function networkFields(networks: readonly NetworkSample[] | undefined): Array<[string, Fields]> {
  if (!networks) return [];
  return networks.map((n) => {
    const fields: Fields = { rx_bytes: int(n.rxBytes), tx_bytes: int(n.txBytes) };
    if (n.rxPackets !== undefined) fields.rx_packets = int(n.rxPackets);
    if (n.txPackets !== undefined) fields.tx_packets = int(n.txPackets);
    if (n.rxErrors !== undefined) fields.rx_errors = int(n.rxErrors);
    if (n.txErrors !== undefined) fields.tx_errors = int(n.txErrors);
    if (n.rxDropped !== undefined) fields.rx_dropped = int(n.rxDropped);
    if (n.txDropped !== undefined) fields.tx_dropped = int(n.txDropped);
    return [n.name, fields];
  });
}
