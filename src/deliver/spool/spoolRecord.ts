import { crc32 } from 'node:zlib';
import type { Chunk } from '../../model/chunk.js';

/**
 * The spool's on-disk record, little-endian:
 *
 * ```
 * 0  magic 'DSS1'   4  kind (1 data, 2 ack)   5  flags (1: gzip)   6  reserved
 * 8  body length    12 points                 16 line-protocol bytes
 * 20 CRC-32 of bytes 4..20 and the body        24 body
 * ```
 *
 * A data record's body is a chunk's body as the sink takes it; an ack record's body names a
 * data record (its segment and offset) that the database acknowledged.
 */
export const MAGIC = 0x31535344;
export const HEADER_BYTES = 24;
export const KIND_DATA = 1;
export const KIND_ACK = 2;

/** Where a data record is: its segment's number and its offset in it. */
export interface RecordAt {
  readonly segment: number;
  readonly offset: number;
}

export type SpoolRecord =
  | { readonly kind: 'data'; readonly at: number; readonly length: number; readonly chunk: Chunk }
  | { readonly kind: 'ack'; readonly at: number; readonly length: number; readonly target: RecordAt };

function header(kind: number, gzip: boolean, body: Buffer, points: number, bytes: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeUInt32LE(MAGIC, 0);
  h.writeUInt8(kind, 4);
  h.writeUInt8(gzip ? 1 : 0, 5);
  h.writeUInt32LE(body.length, 8);
  h.writeUInt32LE(points, 12);
  h.writeUInt32LE(bytes, 16);
  h.writeUInt32LE(crc32(body, crc32(h.subarray(4, 20))), 20);
  return h;
}

/** A data record: header and body, to be written together (`writev`). */
export const dataRecord = (chunk: Chunk): [Buffer, Buffer] => [
  header(KIND_DATA, chunk.gzip, chunk.body, chunk.points, chunk.bytes),
  chunk.body,
];

/** An ack record naming a data record. */
export function ackRecord(target: RecordAt): [Buffer, Buffer] {
  const body = Buffer.alloc(8);
  body.writeUInt32LE(target.segment, 0);
  body.writeUInt32LE(target.offset, 4);
  return [header(KIND_ACK, false, body, 0, 0), body];
}

/** The record at `at`, or undefined when it is torn or damaged there. */
export function recordAt(data: Buffer, at: number): SpoolRecord | undefined {
  if (at + HEADER_BYTES > data.length || data.readUInt32LE(at) !== MAGIC) return undefined;
  const length = data.readUInt32LE(at + 8);
  const end = at + HEADER_BYTES + length;
  if (end > data.length) return undefined; // torn: the write did not finish
  const body = data.subarray(at + HEADER_BYTES, end);
  if (crc32(body, crc32(data.subarray(at + 4, at + 20))) !== data.readUInt32LE(at + 20)) return undefined;
  const kind = data.readUInt8(at + 4);
  const recordLength = HEADER_BYTES + length;
  if (kind === KIND_ACK && length === 8)
    return {
      kind: 'ack',
      at,
      length: recordLength,
      target: { segment: body.readUInt32LE(0), offset: body.readUInt32LE(4) },
    };
  if (kind !== KIND_DATA) return undefined;
  const chunk: Chunk = {
    body, // a view of the segment's bytes: a reader that keeps it copies it
    gzip: (data.readUInt8(at + 5) & 1) === 1,
    points: data.readUInt32LE(at + 12),
    bytes: data.readUInt32LE(at + 16),
  };
  return { kind: 'data', at, length: recordLength, chunk };
}

export const MAGIC_BYTES = Buffer.from([0x44, 0x53, 0x53, 0x31]);
