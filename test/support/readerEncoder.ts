import type { sampleLineReader } from '../../src/deliver/sampleLineReader.js';
import { WriteRequestWriter } from '../../src/deliver/writeRequestWriter.js';

/** A reader's requests: trim, then the lines (as encodeSampleLines does), the bytes of each. */
export const encoderOf = (reader: ReturnType<typeof sampleLineReader>) => {
  const writer = new WriteRequestWriter();
  return (lines: readonly string[]): Buffer => {
    reader.trim();
    writer.begin();
    for (const line of lines) reader.read(line, writer);
    return Buffer.from(writer.finish());
  };
};
