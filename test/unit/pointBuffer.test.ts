import { describe, expect, it } from 'vitest';
import { chunkLines, encodeChunk } from '../../src/model/chunk.js';
import { PointBuffer } from '../../src/deliver/pointBuffer.js';
import { parseByteSize } from '../../src/deliver/byteSize.js';

// Ten-byte lines (nine characters and the newline), so byte limits read as point counts.
const lines = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `m v=${String(from + i).padStart(3, '0')}i`.padEnd(9, ' ').slice(0, 9));
const chunk = (from: number, count: number) => encodeChunk(lines(from, count));
const contents = (buffer: PointBuffer): string[] => {
  const out: string[] = [];
  for (let c = buffer.shift(); c; c = buffer.shift()) out.push(...chunkLines(c));
  return out;
};

describe('PointBuffer (the cases of Telegraf’s buffer suite)', () => {
  it('sizes lines in UTF-8 bytes with their newline', () => {
    expect(encodeChunk(lines(0, 1)).bytes).toBe(10);
    expect(encodeChunk(['é']).bytes).toBe(3);
  });

  it('keeps everything while there is room, in order', () => {
    const buffer = new PointBuffer(100);
    buffer.push(chunk(0, 5));
    buffer.push(chunk(5, 5));
    expect([buffer.points, buffer.bytes, buffer.dropped]).toEqual([10, 100, 0]);
    expect(contents(buffer)).toEqual(lines(0, 10));
  });

  it('drops exactly the oldest points on overflow, and counts them', () => {
    const buffer = new PointBuffer(100);
    buffer.push(chunk(0, 8));
    expect(buffer.push(chunk(8, 5))).toBe(3);
    expect(buffer.push(chunk(13, 2))).toBe(2);
    expect([buffer.points, buffer.dropped]).toEqual([10, 5]);
    expect(contents(buffer)).toEqual(lines(5, 10));
    expect(buffer.push(chunk(20, 11))).toBe(1);
    expect(buffer.dropped).toBe(6);
  });

  it('overflow while a batch is in flight: the new points push out the oldest still buffered', () => {
    const buffer = new PointBuffer(100);
    buffer.push(chunk(0, 5));
    buffer.push(chunk(5, 5));
    const inFlight = buffer.shift()!; // points 0-4 are being written
    buffer.push(chunk(10, 8)); // 5 + 8 = 13 > 10: drop 3 of the oldest buffered (5, 6, 7)
    expect(buffer.dropped).toBe(3);
    expect(chunkLines(inFlight)).toEqual(lines(0, 5));
    expect(contents(buffer)).toEqual([...lines(8, 2), ...lines(10, 8)]);
  });

  it('a failed batch goes back to the front when there is room', () => {
    const buffer = new PointBuffer(100);
    buffer.push(chunk(0, 4));
    const failed = buffer.shift()!;
    buffer.push(chunk(4, 3));
    expect(buffer.unshift(failed)).toBe(0);
    expect(contents(buffer)).toEqual(lines(0, 7));
  });

  it('a failed batch put back without room: its own oldest points are dropped, exactly', () => {
    const buffer = new PointBuffer(100);
    buffer.push(chunk(0, 6));
    const failed = buffer.shift()!; // 0-5 in flight
    buffer.push(chunk(6, 8)); // 8 buffered
    expect(buffer.unshift(failed)).toBe(4); // 6 + 8 = 14: the 4 oldest (0-3) go
    expect([buffer.points, buffer.dropped]).toEqual([10, 4]);
    expect(contents(buffer)).toEqual([...lines(4, 2), ...lines(6, 8)]);
  });

  it('policy block drops nothing and raises pressure while full', () => {
    const buffer = new PointBuffer(100, 'block');
    const pressure: boolean[] = [];
    buffer.pressure$.subscribe((p) => pressure.push(p));
    buffer.push(chunk(0, 9));
    buffer.push(chunk(9, 3));
    expect([buffer.points, buffer.dropped]).toEqual([12, 0]);
    buffer.shift();
    buffer.shift();
    expect(pressure).toEqual([false, true, false]);
  });

  it('held gzipped, it drops exactly the same oldest points and keeps the rest readable', () => {
    const buffer = new PointBuffer(1500);
    const zipped = encodeChunk(lines(0, 200), true); // 2000 bytes of line protocol
    expect(zipped.gzip).toBe(true);
    expect(zipped.body.length).toBeLessThan(zipped.bytes);
    expect(buffer.push(zipped)).toBe(50);
    expect([buffer.points, buffer.bytes]).toEqual([150, 1500]);
    expect(contents(buffer)).toEqual(lines(50, 150));
  });

  it('reads the seed’s size strings', () => {
    expect(parseByteSize('50MB')).toBe(50_000_000);
    expect(parseByteSize('64MiB')).toBe(64 * 2 ** 20);
    expect(parseByteSize('1.5 GB')).toBe(1_500_000_000);
    expect(parseByteSize(4096)).toBe(4096);
    expect(parseByteSize('lots')).toBeUndefined();
    expect(parseByteSize('10 parsecs')).toBeUndefined();
    expect(parseByteSize('0')).toBeUndefined();
  });
});
