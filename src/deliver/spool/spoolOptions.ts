import { statfsSync } from 'node:fs';
import type { BufferPolicy } from '../pointBuffer.js';

/** The spool's settings, from the configuration. */
export interface SpoolOptions {
  /** SPOOL_DIR. */
  readonly dir: string;
  /** MAX_SPOOL_SIZE: bytes on disk of the chunks spooled; past it the oldest are dropped (`block`: sources wait). */
  readonly maxBytes: number;
  /** MAX_BUFFER_SIZE: line-protocol bytes of chunks held in memory too; the most held while the disk refuses them. */
  readonly windowBytes: number;
  /** SPOOL_SYNC_MS: the most a crash of the machine can lose (fdatasync at least this often; 0: at every append). */
  readonly syncMs: number;
  readonly policy?: BufferPolicy;
}

/** What the spool found at start-up: points to send first, damaged records skipped, and the room it has. */
export interface SpoolReplay {
  readonly points: number;
  readonly corrupt: number;
  /** Bytes the spool may take on its disk: the disk's free space and what it holds already. */
  readonly roomBytes: number;
}

/** Read errors that pass by themselves: a record that meets them is tried again however often. */
export const TRANSIENT = new Set(['EMFILE', 'ENFILE', 'ENOMEM', 'EAGAIN', 'EINTR', 'EBUSY']);
/** Reads of one record failing for another reason (EIO) before its points count as lost. */
export const READ_TRIES = 3;

export function freeBytes(dir: string): number {
  try {
    const { bavail, bsize } = statfsSync(dir);
    return bavail * bsize;
  } catch {
    return Number.POSITIVE_INFINITY; // unknown: nothing to warn about
  }
}

/**
 * Segments of 1/16 of the spool's bound, or of the free space when smaller, between 1 and 64 MiB:
 * a segment goes only once all of it is acknowledged, so on a full disk a small one frees room soon.
 */
export const segmentBytesFor = (maxBytes: number): number =>
  Math.min(64 * 2 ** 20, Math.max(2 ** 20, Math.floor(maxBytes / 16)));
