import type { Observable } from 'rxjs';
import type { Chunk } from '../model/chunk.js';
import type { DeliveryEvent } from '../model/telemetry.js';

/**
 * What the delivery driver (`writeBatches`) needs of a buffer: the memory-only `PointBuffer`, or
 * the `SpoolBuffer` whose chunks are on disk until the database has acknowledged them.
 */
export interface DeliveryBuffer {
  /** The bound past which the oldest points are dropped (line-protocol bytes; a spool's, bytes on disk). */
  readonly maxBytes: number;
  readonly points: number;
  readonly bytes: number;
  readonly isEmpty: boolean;
  /** Points dropped to make room, since the start. */
  readonly dropped: number;
  /** True while full: the `block` policy's signal to pause the sources. */
  readonly pressure$: Observable<boolean>;
  /** Adds a sealed batch at the back; returns how many points had to be dropped (also told by `takeEvents`). */
  push(chunk: Chunk): number;
  /** Puts back at the front what could not be written now (all that was left of the chunk taken). */
  unshift(chunk: Chunk): number;
  /** Takes the oldest chunk, to be written. */
  shift(): Chunk | undefined;
  /** The chunk taken last is done: written, or rejected by the database. */
  done(): void;
  /**
   * What happened inside the buffer since the last call (points dropped and why, a spool's disk
   * faults and damaged records): delivery takes these after each call and tells them on.
   */
  takeEvents(): readonly DeliveryEvent[];
  /** A spool's start-up: points a previous run left (sent first) and damaged records skipped. */
  readonly replay?: { readonly points: number; readonly corrupt: number; readonly roomBytes: number };
  /**
   * Lets go of files (a spool keeps what is not acknowledged for the next start); returns the
   * points it could not keep (a spool's chunks that its disk refused lived in memory only).
   */
  close?(): number;
}
