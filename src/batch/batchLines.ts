import { type OperatorFunction, type SchedulerLike, asyncScheduler } from 'rxjs';
import { type Chunk, type ChunkBatch, chunkWriter } from '../model/chunk.js';
import type { FlushReason } from '../model/telemetry.js';
import { type BatchOptions, gatherBatches } from './batch.js';

export interface BatchLinesOptions extends BatchOptions {
  /** gzip each chunk (over 1 kB), for a sink that takes gzip. */
  readonly gzip?: boolean;
}

/**
 * `batch` for line protocol: the same size + time + manual flushes, but each line is written into
 * the batch's bytes as it arrives, and the batch comes out as one `Chunk` (gzipped if asked).
 * No line string waits in an array for the batch to fill (see `Chunk` for why that matters).
 *
 * ```
 * batchLines({ size: 3, intervalMs: 50 })
 * source:  -a-b-c-----d--------------|
 * result:  -----x-----(50ms later)y--|     x: chunk "a\\nb\\nc\\n", y: chunk "d\\n"
 * ```
 */
export function batchLines(
  options: BatchLinesOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<string, ChunkBatch> {
  const seal = (chunk: Chunk, reason: FlushReason): ChunkBatch => ({ chunk, reason });
  return gatherBatches(() => chunkWriter(options.gzip ?? false), seal, options, scheduler);
}
