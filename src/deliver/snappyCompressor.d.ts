// snappyjs's compressor itself (its index allocates a zeroed output of the largest size per call).
declare module 'snappyjs/snappy_compressor.js' {
  export class SnappyCompressor {
    constructor(uncompressed: Uint8Array);
    maxCompressedLength(): number;
    /** Compresses into `out` (at least `maxCompressedLength` bytes); returns the bytes written. */
    compressToBuffer(out: Uint8Array): number;
  }
}
