/**
 * Text written straight into one growing byte buffer: what a scrape of 10,000 containers (some
 * 70 MB) is rendered into. Building it as JavaScript strings made a rope of 300,000 pieces that
 * was flattened, then encoded as UTF-8 again for the socket, and most of its time was the
 * garbage of the pieces (docs/benchmarks.md, section 15). The buffer is kept for the next text
 * (`rewind(0)`): a new one of that size is fresh pages for the kernel to fault in, which cost
 * more on the test machine than writing the text. It shrinks again when a text takes less than a
 * quarter of it (containers went away): a spike of containers does not keep 70 MB for good.
 */
/**
 * `text` as UTF-8 in memory of its own. `Buffer.from` puts short text in a slice of Buffer's
 * shared 8 kB pool, and a slice kept (a label block, for as long as its container) keeps the
 * whole slab alive, with everyone else's short-lived bytes in it: 10,000 containers' label
 * blocks, 4 MB, held 78 MB so.
 */
export function encoded(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

export class ByteWriter {
  private buffer: Buffer;
  /** Bytes written so far: also where the next write goes (`rewind` goes back to an earlier one). */
  at = 0;

  private readonly least: number;

  constructor(capacity: number) {
    this.least = Math.max(capacity, 1024);
    // Never from Buffer's shared pool: `holds` tells buffers apart by their memory.
    this.buffer = Buffer.allocUnsafeSlow(this.least);
  }

  /** Bytes it can hold before it grows. */
  get capacity(): number {
    return this.buffer.length;
  }

  /**
   * Back to the start for a new text. A buffer over four times the last text (and the least
   * asked for) is let go for one twice that text's size: it grows by doubling, so a text of
   * about the same size does not make it shrink and grow at each scrape.
   */
  restart(): void {
    const last = Math.max(this.at, this.least);
    this.at = 0;
    if (this.buffer.length > 4 * last) this.buffer = Buffer.allocUnsafeSlow(2 * last);
  }

  /** Bytes as they are (a label block, a family's name, encoded once). */
  bytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** A short ASCII string (a sample value), one char code a byte: no call into the encoder. */
  ascii(text: string): void {
    this.room(text.length);
    const { buffer } = this;
    let at = this.at;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.at = at;
  }

  /** One byte (`{`, `}`, a space, a newline). */
  byte(code: number): void {
    this.room(1);
    this.buffer[this.at++] = code;
  }

  /** Back to `at`, forgetting what was written after it. */
  rewind(at: number): void {
    this.at = at;
  }

  /** Whether `bytes` (a `result()`) is a view of this writer's buffer now. */
  holds(bytes: Uint8Array): boolean {
    return bytes.buffer === this.buffer.buffer;
  }

  /** What was written: a view of the buffer, not a copy. */
  result(): Buffer {
    return this.buffer.subarray(0, this.at);
  }

  private room(more: number): void {
    if (this.at + more <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.at + more));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}
