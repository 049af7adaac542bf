import type { Config } from '../config/keys.js';
import type { DeliveryBuffer } from '../deliver/deliveryBuffer.js';
import { PointBuffer } from '../deliver/pointBuffer.js';
import { SpoolBuffer } from '../deliver/spool/spoolBuffer.js';

/** SPOOL_DIR cannot be used: names the folder and why. */
export class SpoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpoolError';
  }
}

/** The buffer a configuration names: the disk spool with SPOOL_DIR, else memory only. */
export function bufferFor(config: Config): DeliveryBuffer {
  if (config.spoolDir === undefined) return new PointBuffer(config.maxBufferSize, config.bufferPolicy);
  try {
    return new SpoolBuffer({
      dir: config.spoolDir,
      maxBytes: config.maxSpoolSize,
      windowBytes: config.maxBufferSize,
      syncMs: config.spoolSync,
      policy: config.bufferPolicy,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new SpoolError(`invalid config: SPOOL_DIR=${JSON.stringify(config.spoolDir)}: cannot use it (${code})`);
  }
}
