import { errorCode } from './errorCode.js';
import { ON_DISK, RecordIndex } from './recordIndex.js';
import { fileOf, listSegments, scanFile } from './segmentFiles.js';

/** What opening a spool folder found. */
export interface OpenedSegments {
  /** Segment numbers, oldest first. */
  readonly segments: readonly number[];
  /** The data records not acknowledged, oldest first. */
  readonly index: RecordIndex;
  /** Damaged stretches skipped, and segments that could not be read. */
  readonly corrupt: number;
  /** Segments the disk could not read now (EIO): kept for a later start. */
  readonly unreadable: ReadonlySet<number>;
}

/**
 * Reads a spool folder a segment at a time into an index of the records not yet acknowledged:
 * only 24 bytes a record stay in memory, never a segment's bytes.
 */
export function openSegments(dir: string): OpenedSegments {
  const segments = listSegments(dir);
  const found = new RecordIndex();
  const acked = new Map<number, Set<number>>();
  let corrupt = 0;
  const unreadable = new Set<number>();
  for (const segment of segments) {
    try {
      corrupt += scanFile(fileOf(dir, segment), (r) => {
        if (r.kind === 'ack') {
          let offsets = acked.get(r.target.segment);
          if (!offsets) acked.set(r.target.segment, (offsets = new Set()));
          offsets.add(r.target.offset);
        } else {
          const { points, bytes } = r.chunk;
          found.push({ segment, offset: r.at, length: r.length, points, bytes, residence: ON_DISK, chunk: undefined });
        }
      });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') continue;
      corrupt++; // a segment the disk cannot read now (EIO) is skipped, and kept for a later start
      unreadable.add(segment);
    }
  }
  const index = new RecordIndex();
  for (let r = found.shift(); r; r = found.shift()) if (!acked.get(r.segment)?.has(r.offset)) index.push(r);
  return { segments, index, corrupt, unreadable };
}
