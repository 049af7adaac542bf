import { readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineIsLocal, sysfsDeviceNamer } from '../../src/collect/sysfsDeviceNames.js';

describe('sysfsDeviceNamer', () => {
  it('names a block device of this machine as /sys/dev/block does, and keeps major:minor for an unknown one', () => {
    const entries = readdirSync('/sys/dev/block');
    expect(entries.length).toBeGreaterThan(0);
    const [major, minor] = entries[0]!.split(':').map(Number);
    const name = sysfsDeviceNamer()(major!, minor!);
    expect(name).toBe(basename(readlinkSync(`/sys/dev/block/${entries[0]}`)));
    expect(name).not.toContain(':');
    expect(sysfsDeviceNamer()(4095, 1048575)).toBe('4095:1048575');
  });

  it('takes unix sockets as local engines and tcp ones as remote', () => {
    expect(engineIsLocal('unix:///var/run/docker.sock')).toBe(true);
    expect(engineIsLocal('tcp://10.0.0.1:2376')).toBe(false);
  });
});
