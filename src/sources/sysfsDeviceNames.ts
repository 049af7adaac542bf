import { readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { type DeviceNamer, numericDevice } from '../model/device.js';

/**
 * Names block devices as the kernel does (`8:0` -> `sda`) through /sys/dev/block, for a collector
 * running on the engine's host; a device it cannot resolve keeps its `major:minor`. Answers are
 * cached: a device keeps its name while it exists, and there are few of them.
 */
export function sysfsDeviceNamer(root = '/sys/dev/block'): DeviceNamer {
  const names = new Map<string, string>();
  return (major, minor) => {
    const key = numericDevice(major, minor);
    let name = names.get(key);
    if (name === undefined) {
      try {
        name = basename(readlinkSync(`${root}/${key}`));
      } catch {
        name = key;
      }
      names.set(key, name);
    }
    return name;
  };
}
