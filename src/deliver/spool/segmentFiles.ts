import { closeSync, constants, fstatSync, fsyncSync, openSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { type RecordVisitor, type SegmentScan, scanSegment } from './segmentScan.js';

const SEGMENT = /^(\d{12})\.seg$/;

/** A segment's file in the spool folder. */
export const fileOf = (dir: string, segment: number): string => join(dir, `${String(segment).padStart(12, '0')}.seg`);

/** The numbers of the segments in `dir`, oldest first. */
export const listSegments = (dir: string): number[] =>
  readdirSync(dir)
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);

/** Makes a file's creation or deletion in `dir` durable: the entry lives in the directory. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Scans one segment file; a torn tail is cut off, so that it is counted once. Returns the damaged
 * stretches, or undefined when the name is not a regular file (a FIFO, a directory, a socket, a
 * device): it is left as it is. Opened without blocking, since opening a FIFO waits for a writer.
 */
export function scanFile(path: string, visit: RecordVisitor): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (!statSync(path).isFile()) return undefined; // a socket cannot be opened at all (ENXIO)
    throw error;
  }
  let scan: SegmentScan;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    scan = scanSegment(fd, stat.size, visit);
  } finally {
    closeSync(fd);
  }
  if (scan.tornFrom !== undefined) cutTornTail(path, scan.tornFrom);
  return scan.corrupt;
}

function cutTornTail(path: string, at: number): void {
  try {
    truncateSync(path, at);
  } catch {
    // a read-only spool: counted again at the next start
  }
}
