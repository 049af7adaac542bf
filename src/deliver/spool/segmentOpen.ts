import { errorCode } from './errorCode.js';
import { ON_DISK, RecordIndex } from './recordIndex.js';
import { fileOf, listSegments, scanFile } from './segmentFiles.js';

/** What opening a spool folder found. */
export interface OpenedSegments {
  /** Segment numbers, oldest first: the regular files named like segments. */
  readonly segments: readonly number[];
  /** The data records not acknowledged, oldest first. */
  readonly index: RecordIndex;
  /** Damaged stretches skipped, and segments that could not be read (or are not files). */
  readonly corrupt: number;
  /** Segments the disk could not read now (EIO): kept for a later start. */
  readonly unreadable: ReadonlySet<number>;
  /** Paths named like segments that are no regular files (a FIFO, a directory): left alone, never deleted. */
  readonly skipped: readonly string[];
}

/**
 * Reads a spool folder a segment at a time into an index of the records not yet acknowledged:
 * only a few bytes a record stay in memory, never a segment's bytes, and one index is built.
 *
 * An ack counts only where its segment was read record by record from its start: after damage,
 * reading resumes at the next magic, which may lie inside a damaged record's body, where a label
 * can hold the bytes of a valid ack. An ack skipped so is at worst a batch sent twice (delivery
 * is at least once); one honoured so would drop points unsent. An ack always follows the record
 * it names, so that record is in the index already: it is marked there, and the marked ones are
 * removed at the end in place.
 */
export function openSegments(dir: string): OpenedSegments {
  const segments: number[] = [];
  const index = new RecordIndex();
  const skipped: string[] = [];
  let corrupt = 0;
  const unreadable = new Set<number>();
  for (const segment of listSegments(dir)) {
    const path = fileOf(dir, segment);
    try {
      const damaged = scanFile(path, (r, chained) => {
        if (r.kind === 'data') {
          const { points, bytes } = r.chunk;
          index.push({ segment, offset: r.at, length: r.length, points, bytes, residence: ON_DISK, chunk: undefined });
        } else if (chained) {
          const named = index.find(r.target.segment, r.target.offset);
          if (named >= 0) index.discard(named);
        }
      });
      if (damaged === undefined) skipped.push(path);
      else segments.push(segment);
      corrupt += damaged ?? 1;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') continue;
      corrupt++; // a segment the disk cannot read now (EIO) is skipped, and kept for a later start
      unreadable.add(segment);
      segments.push(segment);
    }
  }
  index.compact();
  return { segments, index, corrupt, unreadable, skipped };
}
