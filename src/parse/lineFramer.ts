/** A line longer than this is not a stats record or an event: the stream is broken. */
export const MAX_LINE_BYTES = 4 * 2 ** 20;

/** A line that never ended within MAX_LINE_BYTES. */
export class LineTooLongError extends Error {
  constructor(readonly bytes: number) {
    super(`a record of over ${bytes} bytes without a newline: not an engine stats or event stream`);
    this.name = 'LineTooLongError';
  }
}

/**
 * A push-style newline framer: feed it the chunks of a byte stream, in order, and it calls
 * `onLine` with every complete, non-empty line (a trailing `\r` removed); `end()` gives the last
 * line when the stream ended without a newline.
 *
 * Why not split2 (the library this replaced): split2 is a Transform stream, so every container
 * carried two stream states, a StringDecoder and a pipe's half-dozen listeners, besides the HTTP
 * response that already is a stream. At 10,000 containers that was the larger part of the
 * per-stream heap and a visible share of the CPU. Splitting on the byte 0x0A is safe for UTF-8
 * (it never occurs inside a multi-byte character), so each line is decoded once, whole, and only
 * a partial line is ever kept (copied, so the chunk it came in can be freed).
 */
export interface LineFramer {
  push(chunk: Buffer | string): void;
  end(): void;
}

export function lineFramer(onLine: (line: string) => void, maxLineBytes = MAX_LINE_BYTES): LineFramer {
  let tail: Buffer | undefined;
  const emit = (data: Buffer, start: number, end: number): void => {
    if (end > start && data[end - 1] === 13) end--;
    if (end > start) onLine(data.toString('utf8', start, end));
  };
  return {
    push(chunk) {
      let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (tail) {
        data = Buffer.concat([tail, data]);
        tail = undefined;
      }
      let start = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
        emit(data, start, nl);
        start = nl + 1;
      }
      if (start < data.length) {
        if (data.length - start > maxLineBytes) throw new LineTooLongError(maxLineBytes);
        tail = Buffer.from(data.subarray(start));
      }
    },
    end() {
      const last = tail;
      tail = undefined;
      if (last) emit(last, 0, last.length);
    },
  };
}
