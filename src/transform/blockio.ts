import type { BlockDeviceSample } from '../model/containerSample.js';
import { type DeviceNamer, numericDevice } from '../model/device.js';
import { type Fields, int } from '../model/point.js';

/**
 * `blockio` fields per device: read_bytes, write_bytes, read_ops, write_ops, those the source
 * reports (ops on cgroup v2 it does not: never written as 0). A device is named by its numbers
 * through `nameDevice`, or by the name it has.
 */
export function blockioFields(
  devices: readonly BlockDeviceSample[] | undefined,
  nameDevice: DeviceNamer = numericDevice,
): Array<[string, Fields]> {
  if (!devices) return [];
  const out: Array<[string, Fields]> = [];
  for (const d of devices) {
    const fields: Fields = {};
    if (d.readBytes !== undefined) fields.read_bytes = int(d.readBytes);
    if (d.writeBytes !== undefined) fields.write_bytes = int(d.writeBytes);
    if (d.readOps !== undefined) fields.read_ops = int(d.readOps);
    if (d.writeOps !== undefined) fields.write_ops = int(d.writeOps);
    const name = typeof d.device === 'string' ? d.device : nameDevice(d.device.major, d.device.minor);
    if (Object.keys(fields).length === 0) continue;
    // Two devices one name (a namer that maps both to it): one point, summed, as one series can hold.
    const same = out.find(([n]) => n === name);
    if (same) addFields(same[1], fields);
    else out.push([name, fields]);
  }
  return out;
}

function addFields(into: Fields, more: Fields): void {
  for (const [key, value] of Object.entries(more)) into[key] = int(Number(into[key] ?? 0) + Number(value));
}
