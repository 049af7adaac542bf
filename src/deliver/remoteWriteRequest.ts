import snappy from 'snappyjs';
import { SnappyCompressor } from 'snappyjs/snappy_compressor.js';
import { type Chunk, chunkLines, copyOf } from '../model/chunk.js';
import { KeptSize } from './keptSize.js';
import { WriteRequestType } from './remoteWriteSchema.js';
import { sampleLineReader } from './sampleLineReader.js';
import { WriteRequestWriter } from './writeRequestWriter.js';

// snappyjs, pure JavaScript, for snappy's block format: no native binary to build or to keep
// outside the one-file bundle (the napi `snappy` is kept more busily, but its prebuilt addon
// must sit in node_modules per platform: glibc, musl, arm); snappy's format is frozen, so its
// quiet releases (0.7.0, 2024) are not neglect, and a batch of a few hundred kB compresses in
// about a millisecond. Its compressor is used directly, into a kept buffer: the index's
// `compress` allocates (and zeroes) an output of the largest size for every body.

export { WriteRequestType } from './remoteWriteSchema.js';

export interface Label {
  readonly name: string;
  readonly value: string;
}
export interface Sample {
  readonly value: number;
  /** ms since the epoch. */
  readonly timestamp: number;
}
export interface TimeSeries {
  readonly labels: Label[];
  readonly samples: Sample[];
}

// One of each for the process: a request is written at once (no await inside), and the label
// sets' bytes are shared by every request (and every remote write sink) that meets them.
const reader = sampleLineReader();
const writer = new WriteRequestWriter();
let compressed = Buffer.allocUnsafe(0);
const keptCompressed = new KeptSize(64 * 1024);

/**
 * A batch's sample lines as a protobuf WriteRequest, not yet compressed: one time series per
 * metric name and label set, in the order first met, labels sorted by name (`__name__` among
 * them), each series' samples in time order (a stable sort: the batch's order where times are
 * equal). A damaged line (a spool record that does not read) is skipped. The bytes are a view
 * of a kept buffer, valid until the next call.
 */
export function encodeSampleLines(lines: Iterable<string>): Uint8Array {
  reader.trim();
  writer.begin();
  unread = 0;
  for (const line of lines) if (!reader.read(line, writer)) unread++;
  return writer.finish();
}

/** How many lines the last `encodeSampleLines` skipped. */
let unread = 0;

/**
 * A chunk of sample lines as a remote-write body: a protobuf WriteRequest in snappy's block
 * format (not its framed format: the spec asks for the block).
 */
export function remoteWriteBody(chunk: Chunk): Buffer {
  return remoteWriteRequest(chunk).body;
}

/**
 * A chunk's remote-write body (`remoteWriteBody`), and how many of its lines did not read (a
 * damaged spool record, a form this version does not know): they are not in the body, and the
 * sink must not count them as written.
 */
export function remoteWriteRequest(chunk: Chunk): { body: Buffer; unread: number } {
  const compressor = new SnappyCompressor(encodeSampleLines(chunkLines(chunk)));
  const most = compressor.maxCompressedLength();
  const smaller = keptCompressed.use(most, compressed.length);
  if (compressed.length < most || smaller !== undefined) compressed = Buffer.allocUnsafe(Math.max(most, smaller ?? 0));
  // A copy of what was written: the body outlives this call (retries), the kept buffer does not.
  return { body: copyOf(compressed.subarray(0, compressor.compressToBuffer(compressed))), unread };
}

/** A remote-write body back to its series (tests; the stale marker keeps its bits as a double). */
export function decodeRemoteWriteBody(body: Uint8Array): TimeSeries[] {
  const message = WriteRequestType.decode(snappy.uncompress(body));
  const object = WriteRequestType.toObject(message, { longs: Number, defaults: true }) as { timeseries?: TimeSeries[] };
  return object.timeseries ?? [];
}
