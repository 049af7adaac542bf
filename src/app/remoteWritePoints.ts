import { type OperatorFunction, map } from 'rxjs';
import { staleMarkers } from '../encode/staleMarkers.js';
import type { Point } from '../model/point.js';
import { sampleLine } from '../model/sampleLine.js';

/**
 * Remote write's encoding for `lineProtocolSink`'s `encode`: points -> samples and stale markers
 * (`staleMarkers`) -> one sample line each, which the batch, buffer and spool hold as they hold
 * line protocol; the sink makes the protobuf from them when it writes.
 *
 * ```
 * source: --p--p--c{exited}--|
 * result: --l--l--(lS)-------|     (l: a sample line, S: the stale markers' lines)
 * ```
 */
export const remoteWriteLines = (): OperatorFunction<Point, string> => (points$) =>
  points$.pipe(staleMarkers(), map(sampleLine));
