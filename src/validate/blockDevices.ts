import type { BlockDeviceSample } from '../model/containerSample.js';

/** One entry of a block I/O list, as the kernel's cgroup v1 blkio files and the Engine API's `blkio_stats` write it. */
export interface BlkioLine {
  readonly major: number;
  readonly minor: number;
  /** `Read`, `Write`, `Sync`, `Async`, `Total`... (v1), `read` / `write` (v2: the engine's io.stat). */
  readonly op: string;
  readonly value: number;
}

const NO_DEVICES: readonly BlockDeviceSample[] = Object.freeze([]);

type Counter = 'readBytes' | 'writeBytes' | 'readOps' | 'writeOps';
type Device = { device: { major: number; minor: number } } & { [K in Counter]?: number };

/**
 * The devices of a bytes list and an ops list: read / write summed per device from the entries
 * whose op is read / write in any case (v1 says `Read`, v2 `read`), the other ops left out, and a
 * device with neither left out. A counter no list reports (ops on cgroup v2) stays undefined.
 */
export function blockDevices(
  bytes: readonly BlkioLine[] | null | undefined,
  ops: readonly BlkioLine[] | null | undefined,
): readonly BlockDeviceSample[] {
  // Most records have empty lists (no I/O yet, or none the cgroup counts): no array made for them.
  if (!bytes?.length && !ops?.length) return NO_DEVICES;
  const devices: Device[] = [];
  add(devices, bytes, 'readBytes', 'writeBytes');
  add(devices, ops, 'readOps', 'writeOps');
  return devices.filter(
    (d) =>
      d.readBytes !== undefined || d.writeBytes !== undefined || d.readOps !== undefined || d.writeOps !== undefined,
  );
}

function add(devices: Device[], entries: readonly BlkioLine[] | null | undefined, read: Counter, write: Counter): void {
  if (!entries) return;
  for (const { major, minor, op, value } of entries) {
    // A linear search: a container has a device or two, and no key string is made per entry.
    let device = devices.find((d) => d.device.major === major && d.device.minor === minor);
    if (!device) devices.push((device = { device: { major, minor } }));
    const kind = op.toLowerCase();
    const key = kind === 'read' ? read : kind === 'write' ? write : undefined;
    if (key) device[key] = (device[key] ?? 0) + value;
  }
}
