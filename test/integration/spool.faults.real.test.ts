import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeliveryEvent } from '../../src/model/telemetry.js';
import { driverLines } from '../support/spoolDriver.js';
import type { SpoolProcess } from '../support/spoolProcess.js';
import { drain, ofType, spoolFaultKit } from '../support/spoolFaultKit.js';

/**
 * The disk spool when reading back, closing or fdatasync fails for real (review of issue 23): a
 * process out of descriptors, a segment the kernel refuses to open (a sysfs file that only root
 * may write), a full tmpfs in a private namespace, and an ext4 whose writeback fails.
 */
const { plainDisk, diskOf, spoolOn, cleanups } = spoolFaultKit();

/** A file the kernel refuses to read (EACCES, even to root here): a segment the disk cannot give back. */
const UNREADABLE = '/sys/bus/pci/rescan';
const POINTS = 200;

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Whether the spool tells an event matching `match` within about 5 s. */
async function eventually(spool: SpoolProcess, match: (e: DeliveryEvent) => boolean): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if ((await spool.state()).events.some(match)) return true;
    await pause(50);
  }
  return false;
}

describe('the disk spool when reads, close or fdatasync fail for real', () => {
  it('a read that fails for want of descriptors (EMFILE) keeps the record first in line, and it is sent once they are back', async () => {
    const spool = spoolOn(plainDisk());
    await spool.open({ windowBytes: 0 }); // every chunk is read back from disk
    await spool.push('a', POINTS);
    await spool.push('b', POINTS);
    await spool.fds(true);
    expect((await spool.shift()).lines).toBeUndefined();
    const during = await spool.state();
    await spool.fds(false);
    expect(during).toMatchObject({ points: 2 * POINTS, dropped: 0, corrupt: 0 });
    expect(ofType(during.events, 'spool-fault')).toEqual([{ type: 'spool-fault', operation: 'read', code: 'EMFILE' }]);
    expect(await drain(spool)).toEqual([...driverLines('a', POINTS), ...driverLines('b', POINTS)]);
    expect(ofType((await spool.state()).events, 'spool-recovered')).toEqual([
      { type: 'spool-recovered', operation: 'read' },
    ]);
  });

  it('a segment the disk refuses to read is kept, and blocks no deletion of the acknowledged ones after it', async () => {
    const disk = plainDisk();
    mkdirSync(join(disk.dir, 'spool'));
    symlinkSync(UNREADABLE, join(disk.dir, 'spool', '000000000001.seg'));
    const spool = spoolOn(disk);
    await spool.open({ maxBytes: 16 * 2 ** 20 }); // segments of 1 MiB
    for (let i = 0; i < 60; i++) await spool.push(`a${i}`, 1000); // ~2.4 MB: three segments
    expect(readdirSync(join(disk.dir, 'spool')).filter((f) => f.endsWith('.seg')).length).toBeGreaterThanOrEqual(4);
    expect(await drain(spool)).toHaveLength(60 * 1000);
    // left: the unreadable one, for a later start, and the segment being written
    expect(readdirSync(join(disk.dir, 'spool')).filter((f) => f.endsWith('.seg'))).toHaveLength(2);
    expect(readdirSync(join(disk.dir, 'spool'))).toContain('000000000001.seg');
  });

  it('close writes what waited in memory once the disk takes it, and reports what it still refuses as lost', async () => {
    const disk = await diskOf('1m');
    const spool = spoolOn(disk);
    await spool.open({});
    await spool.push('a', POINTS);
    disk.fill();
    for (const tag of ['b0', 'b1', 'b2']) await spool.push(tag, POINTS); // held in memory
    disk.unfill();
    expect(await spool.close()).toEqual({ lost: 0 });
    expect((await spool.open({})).replay.points).toBe(4 * POINTS);
    disk.fill();
    await spool.push('c', POINTS);
    expect(await spool.close()).toEqual({ lost: POINTS });
    disk.unfill();
    expect((await spool.open({})).replay.points).toBe(4 * POINTS);
  });

  it('what waited in memory goes to disk at the next tick once the disk takes it, without a new batch (block holds the sources)', async () => {
    const disk = await diskOf('1m');
    const spool = spoolOn(disk);
    await spool.open({ syncMs: 20, policy: 'block' });
    await spool.push('a', POINTS);
    disk.fill();
    for (const tag of ['b0', 'b1', 'b2']) await spool.push(tag, POINTS); // held in memory
    disk.unfill();
    await pause(200); // ticks of SPOOL_SYNC_MS, and no push
    await spool.abandon(); // a crash: what is on disk is what a restart finds
    expect((await spool.open({})).replay.points).toBe(4 * POINTS);
  });

  it('BUFFER_POLICY=block on a full disk holds no more than MAX_BUFFER_SIZE in memory: the oldest past it go, counted', async () => {
    const disk = await diskOf('1m');
    const spool = spoolOn(disk);
    const chunkBytes = driverLines('b00', POINTS).join('\n').length + 1;
    await spool.open({ windowBytes: 4 * chunkBytes + 100, policy: 'block' });
    disk.fill();
    for (let i = 0; i < 10; i++) await spool.push(`b${i}`, POINTS);
    const state = await spool.state();
    expect(state.bytes).toBeLessThanOrEqual(4 * chunkBytes + 100);
    expect(state.dropped).toBe(6 * POINTS);
    expect(ofType(state.events, 'points-dropped').every((d) => d.reason === 'disk_error')).toBe(true);
  });

  it('after a failed fdatasync the records it may have lost are written again, to a new file: a remount finds them', async () => {
    const disk = await diskOf('16m');
    // An ext4 (no journal, whose abort would make it read-only) on a loop device whose backing
    // file lives on the small tmpfs: once the tmpfs is full, its writeback fails for real.
    const mount = `mount -o loop,errors=continue "${disk.dir}/img" "${disk.dir}/mnt"`;
    const mkfs = `mkfs.ext4 -q -F -O ^has_journal -E lazy_itable_init=0,nodiscard "${disk.dir}/img"`;
    disk.sh(`truncate -s 64M "${disk.dir}/img" && ${mkfs} && mkdir "${disk.dir}/mnt" && ${mount}`);
    cleanups.push(async () => void disk.sh(`umount -l "${disk.dir}/mnt" || true`));
    const spool = spoolOn(disk);
    const options = { dir: `${disk.dir}/mnt/spool`, syncMs: 20, windowBytes: 4 * 2 ** 20 };
    await spool.open(options);
    await spool.push('before', 1000);
    await pause(100); // made durable
    disk.fill();
    // The first fdatasync to meet the full device says it succeeded, and the data is gone all the
    // same (this kernel, ext4 on loop on tmpfs): a chunk no userspace can save, left out below.
    await spool.push('lied', 1000);
    await pause(100);
    for (let i = 0; i < 20; i++) await spool.push(`a${i}`, 1000);
    expect(await eventually(spool, (e) => e.type === 'spool-fault' && e.operation === 'sync')).toBe(true);
    disk.unfill();
    await spool.push('after', 1000); // the disk takes writes: what the failed fdatasync lost goes again
    expect(await spool.close()).toEqual({ lost: 0 });
    // A fresh mount reads what reached the device, not the page cache the failed writeback left.
    disk.sh(`umount "${disk.dir}/mnt" && ${mount}`);
    await spool.open(options);
    const tags = new Set((await drain(spool)).map((l) => /tag=(\w+)/.exec(l)![1]));
    tags.delete('lied');
    expect([...tags].sort()).toEqual(['after', 'before', ...Array.from({ length: 20 }, (_, i) => `a${i}`)].sort());
  });
});
