import { closeSync, writevSync } from 'node:fs';
import { errorCode } from './errorCode.js';

/** A write the disk refused (ENOSPC, EROFS, EIO, a short write): nothing of it is left in the file. */
export class SpoolDiskError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SpoolDiskError';
  }
}

/** An error of the disk as a `SpoolDiskError` saying what was being done. */
export const diskError = (error: unknown, doing: string): SpoolDiskError =>
  error instanceof SpoolDiskError
    ? error
    : new SpoolDiskError(errorCode(error), `cannot ${doing}: ${errorCode(error)}`);

/**
 * Writes all of a record at `position`: a short write (the disk had room for part of it) is
 * followed by a write of the rest, which either goes through or fails with the disk's reason
 * (ENOSPC); then the caller cuts off the part that was written.
 */
export function writeWhole(fd: number, parts: [Buffer, Buffer], position: number, length: number): void {
  let written = writevSync(fd, parts, position);
  while (written < length) {
    const rest = Buffer.concat(parts).subarray(written);
    const more = writevSync(fd, [rest], position + written);
    if (more === 0) throw new SpoolDiskError('short write', `the disk took ${written} of ${length} bytes`);
    written += more;
  }
}

/** Closes a descriptor whatever happens: the kernel releases it even when close reports an error. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // closed all the same
  }
}
