import { describe, expect, it } from 'vitest';
import type { DeliveryEvent } from '../../src/model/telemetry.js';
import { driverLines } from '../support/spoolDriver.js';
import { drain, ofType, spoolFaultKit } from '../support/spoolFaultKit.js';

/**
 * The disk spool against real disk faults (issue 23): a small tmpfs in a private mount namespace
 * that is filled, remounted read-only, or backs an ext4 whose writeback fails; the spool runs in
 * a process of its own inside it (test/support/spoolDriver.ts), as the daemon's does.
 */
const { diskOf, spoolOn, cleanups } = spoolFaultKit();
const sum = (ns: number[]): number => ns.reduce((a, b) => a + b, 0);
const POINTS = 200; // about 8 KB of line protocol a chunk

describe('the disk spool on a real full, read-only or failing disk', () => {
  it('a full disk never throws: new points wait in memory within MAX_BUFFER_SIZE, the oldest past it are dropped (disk_error), one warning an episode, and it resumes by itself', async () => {
    const disk = await diskOf('1m');
    const spool = spoolOn(disk);
    const chunkBytes = driverLines('b00', POINTS).join('\n').length + 1;
    await spool.open({ windowBytes: 4 * chunkBytes + 100 });
    await spool.push('a', POINTS);
    disk.fill();
    for (let i = 0; i < 10; i++) await spool.push(`b${i}`, POINTS);
    const during = await spool.state();
    expect(ofType(during.events, 'spool-fault')).toEqual([
      { type: 'spool-fault', operation: 'append', code: 'ENOSPC' },
    ]);
    const drops = ofType(during.events, 'points-dropped');
    expect(drops.every((d) => d.reason === 'disk_error')).toBe(true);
    expect(sum(drops.map((d) => d.points))).toBe(during.dropped);
    expect(during.dropped).toBe(6 * POINTS); // 4 chunks fit the window in memory, 6 of 10 went
    expect(during.points).toBe(POINTS + 4 * POINTS); // 'a' on disk, four in memory
    disk.unfill();
    await spool.push('c', POINTS);
    expect(ofType((await spool.state()).events, 'spool-recovered')).toHaveLength(1);
    // sent: what waited in memory first (a crash would lose it), then the disk's, oldest first
    const sent = await drain(spool);
    const tags = [...new Set(sent.map((l) => /tag=(\w+)/.exec(l)![1]))];
    expect(tags).toEqual(['b6', 'b7', 'b8', 'b9', 'a', 'c']);
    expect(sent.length + during.dropped).toBe(12 * POINTS);
  });

  it('a short write is cut back: offsets match the file, and what comes after it is read back whole', async () => {
    const disk = await diskOf('1m');
    const spool = spoolOn(disk);
    await spool.open({ windowBytes: 0 }); // everything is read back from disk
    await spool.push('a', POINTS);
    disk.fill(4096); // room for part of a record of 'b': the disk takes some of it, then refuses the rest
    await spool.push('b', 2 * POINTS);
    expect(ofType((await spool.state()).events, 'spool-fault')).toEqual([
      { type: 'spool-fault', operation: 'append', code: 'ENOSPC' },
    ]);
    disk.unfill();
    await spool.push('c', POINTS); // on disk, and 'b', which waited in memory, after it
    await spool.abandon(); // as a crash: what is on disk is what a restart finds
    const after = await spool.open({ windowBytes: 0 });
    expect(after.replay).toMatchObject({ points: 4 * POINTS, corrupt: 0 });
    const lines = [...driverLines('a', POINTS), ...driverLines('c', POINTS), ...driverLines('b', 2 * POINTS)];
    expect(await drain(spool)).toEqual(lines);
  });

  it('an ack needs no space: on a full disk, delivering the spooled points deletes their segments', async () => {
    const disk = await diskOf('4m');
    const spool = spoolOn(disk);
    await spool.open({ maxBytes: 16 * 2 ** 20 }); // segments of 1 MiB
    for (let i = 0; i < 60; i++) await spool.push(`a${i}`, 1000); // ~2.4 MB on disk, three segments
    disk.fill();
    await spool.push('full', 10);
    expect(disk.free()).toBe(0);
    const sent = await drain(spool);
    expect(sent).toHaveLength(60 * 1000 + 10);
    expect(disk.free()).toBeGreaterThan(2 ** 20); // the acknowledged segments went, without new space
    await spool.push('after', 10);
    expect(ofType((await spool.state()).events, 'spool-recovered')).toHaveLength(1);
    await spool.abandon();
    const again = await spool.open({ maxBytes: 16 * 2 ** 20 });
    // at least once: what the acks that could not be written named may come again; the new chunk does
    expect(again.replay.points).toBeLessThan(30 * 1000);
    expect((await drain(spool)).slice(-10)).toEqual(driverLines('after', 10));
  });

  it('a read-only disk holds new points in memory, and the spool resumes once it is writable again', async () => {
    const disk = await diskOf('1m');
    const spool = spoolOn(disk);
    await spool.open({});
    await spool.push('a', POINTS);
    await spool.close();
    // Linux refuses a read-only remount while a file is open for writing: the spool starts on it.
    disk.sh(`mount -o remount,ro "${disk.dir}"`);
    expect((await spool.open({})).replay.points).toBe(POINTS); // read back all the same
    await spool.push('b', POINTS);
    expect(ofType((await spool.state()).events, 'spool-fault')).toEqual([
      { type: 'spool-fault', operation: 'append', code: 'EROFS' },
    ]);
    disk.sh(`mount -o remount,rw "${disk.dir}"`);
    await spool.push('c', POINTS);
    expect(ofType((await spool.state()).events, 'spool-recovered')).toHaveLength(1);
    await spool.abandon();
    // 'b' waited in memory, and went to disk with 'c'
    expect((await spool.open({})).replay.points).toBe(3 * POINTS);
  });

  it('after a partial rejection the remainder is spooled before the original goes: on a full disk the original stays', async () => {
    const disk = await diskOf('1m');
    const spool = spoolOn(disk);
    await spool.open({});
    await spool.push('a', POINTS); // larger than the slack a full tmpfs leaves in the segment's last page
    await spool.shift();
    disk.fill();
    await spool.unshift(4); // the database rejected the first four lines; the rest cannot be spooled now
    await spool.abandon();
    disk.unfill();
    expect((await spool.open({})).replay.points).toBe(POINTS); // the original, sent again: at least once
    await spool.shift();
    await spool.unshift(4); // with room, the remainder is spooled and the original acknowledged
    await spool.abandon();
    expect((await spool.open({})).replay.points).toBe(POINTS - 4);
    expect(await drain(spool)).toEqual(driverLines('a', POINTS).slice(4));
  });

  it('fdatasync failing under the sync timer is a warning and is retried, never an uncaught exception', async () => {
    const disk = await diskOf('3m');
    // An ext4 on a loop device whose backing file lives on the small tmpfs: its writeback fails for real.
    disk.sh(
      `truncate -s 64M "${disk.dir}/img" && mkfs.ext4 -q -F "${disk.dir}/img" && mkdir "${disk.dir}/mnt" && ` +
        `mount -o loop "${disk.dir}/img" "${disk.dir}/mnt"`,
    );
    cleanups.push(async () => void disk.sh(`umount -l "${disk.dir}/mnt" || true`));
    const spool = spoolOn(disk);
    await spool.open({ dir: `${disk.dir}/mnt/spool`, syncMs: 20 });
    for (let i = 0; i < 80; i++) await spool.push(`a${i}`, 1000); // 3 MB: more than the tmpfs holds
    let events: DeliveryEvent[] = [];
    for (let i = 0; i < 100 && ofType(events, 'spool-fault').length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      events = [...events, ...(await spool.state()).events];
    }
    const faults = ofType(events, 'spool-fault');
    expect(faults.find((f) => f.operation === 'sync')).toBeDefined();
    await new Promise((r) => setTimeout(r, 200)); // several more failing ticks
    expect(ofType((await spool.state()).events, 'spool-fault').filter((f) => f.operation === 'sync')).toEqual([]);
    expect(spool.process.exitCode).toBe(null);
  });
});
