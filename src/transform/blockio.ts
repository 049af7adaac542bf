import { type DeviceNamer, numericDevice } from '../model/device.js';
import { type Fields, type Int, has, int } from '../model/point.js';
import { type BlkioEntry, type BlkioStats, type StatsRecord, isWindows } from '../model/statsRecord.js';

/**
 * `blockio` fields per device: read_bytes / write_bytes summed from io_service_bytes_recursive
 * entries whose op is read / write in any case (v1 says `Read`, v2 `read`), read_ops / write_ops
 * from io_serviced_recursive. What the engine does not report (ops on cgroup v2) is left out,
 * never written as 0. Windows: one device, `storage`, from storage_stats.
 */
export function blockioFields(record: StatsRecord, nameDevice: DeviceNamer = numericDevice): Array<[string, Fields]> {
  if (isWindows(record)) return windowsStorage(record.storage_stats);
  const devices = new Map<string, Fields>();
  addOps(devices, record.blkio_stats, 'io_service_bytes_recursive', '_bytes', nameDevice);
  addOps(devices, record.blkio_stats, 'io_serviced_recursive', '_ops', nameDevice);
  return [...devices].filter(([, fields]) => Object.keys(fields).length > 0);
}

function addOps(
  devices: Map<string, Fields>,
  blkio: BlkioStats | undefined,
  list: keyof BlkioStats,
  suffix: string,
  nameDevice: DeviceNamer,
): void {
  const entries: BlkioEntry[] | null | undefined = blkio?.[list];
  if (!entries) return;
  for (const { major, minor, op, value } of entries) {
    const device = nameDevice(major, minor);
    const fields = devices.get(device) ?? {};
    devices.set(device, fields);
    const kind = op.toLowerCase();
    if (kind !== 'read' && kind !== 'write') continue;
    const key = `${kind}${suffix}`;
    fields[key] = int(((fields[key] as Int | undefined)?.value ?? 0) + value);
  }
}

function windowsStorage(storage: StatsRecord['storage_stats']): Array<[string, Fields]> {
  if (!storage) return [];
  const fields: Fields = {};
  if (has(storage.read_size_bytes)) fields.read_bytes = int(storage.read_size_bytes);
  if (has(storage.write_size_bytes)) fields.write_bytes = int(storage.write_size_bytes);
  if (has(storage.read_count_normalized)) fields.read_ops = int(storage.read_count_normalized);
  if (has(storage.write_count_normalized)) fields.write_ops = int(storage.write_count_normalized);
  return Object.keys(fields).length > 0 ? [['storage', fields]] : [];
}
