import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineIsLocal } from '../../src/sources/engine/engine.js';
import { sysfsDeviceNamer } from '../../src/sources/sysfsDeviceNames.js';

/** A /sys/dev/block of our own: `major:minor` links to the devices' folders, as the kernel makes them. */
function fakeSysDevBlock(devices: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dss-sysfs-'));
  const block = join(root, 'dev', 'block');
  mkdirSync(block, { recursive: true });
  for (const [numbers, name] of Object.entries(devices)) {
    const target = join(root, 'devices', 'virtual', 'block', name);
    mkdirSync(target, { recursive: true });
    symlinkSync(`../../devices/virtual/block/${name}`, join(block, numbers));
  }
  return block;
}

describe('sysfsDeviceNamer', () => {
  it('names a block device as /sys/dev/block does, and keeps major:minor for an unknown one', () => {
    const namer = sysfsDeviceNamer(fakeSysDevBlock({ '8:0': 'sda', '253:1': 'dm-1' }));
    expect(namer(8, 0)).toBe('sda');
    expect(namer(253, 1)).toBe('dm-1');
    expect(namer(4095, 1048575)).toBe('4095:1048575');
  });

  it('takes unix sockets as local engines and tcp ones as remote', () => {
    expect(engineIsLocal('unix:///var/run/docker.sock')).toBe(true);
    expect(engineIsLocal('tcp://10.0.0.1:2376')).toBe(false);
  });
});
