import { chunkLines } from '../../src/model/chunk.js';
import type { DeliveryBuffer } from '../../src/deliver/deliveryBuffer.js';

/** Everything a buffer would send, in order, each taken chunk marked done. */
export function drainBuffer(buffer: DeliveryBuffer): string[] {
  const lines: string[] = [];
  for (let c = buffer.shift(); c; c = buffer.shift()) {
    lines.push(...chunkLines(c));
    buffer.done();
  }
  return lines;
}
