import { describe, expect, it } from 'vitest';
import { LineTooLongError, lineFramer } from '../../src/parse/lineFramer.js';

function frameAll(chunks: (Buffer | string)[], maxLineBytes?: number): string[] {
  const lines: string[] = [];
  const framer = lineFramer((line) => lines.push(line), maxLineBytes);
  chunks.forEach((c) => framer.push(c));
  framer.end();
  return lines;
}

describe('lineFramer', () => {
  it('drops empty lines and a trailing carriage return', () => {
    expect(frameAll(['a\r\n\r\n\nb\n', '\r\n', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('decodes a multi-byte character split across chunks once, whole', () => {
    const bytes = Buffer.from('{"name":"café ☕"}\n');
    for (let at = 0; at <= bytes.length; at++) {
      expect(frameAll([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(['{"name":"café ☕"}']);
    }
  });

  it('keeps a copy of a partial line, not the chunk it came in', () => {
    const chunk = Buffer.from('x\npartial');
    const lines: string[] = [];
    const framer = lineFramer((line) => lines.push(line));
    framer.push(chunk);
    chunk.fill(0x20); // the caller's buffer is reused (as Node's socket pool may)
    framer.push('!\n');
    expect(lines).toEqual(['x', 'partial!']);
  });

  it('refuses a line that never ends, naming the limit', () => {
    const framer = lineFramer(() => undefined, 16);
    framer.push('0123456789');
    expect(() => framer.push('0123456789')).toThrow(LineTooLongError);
    expect(() => lineFramer(() => undefined, 16).push('0123456789abcdefXYZ')).toThrow(
      /over 16 bytes without a newline/,
    );
  });
});
