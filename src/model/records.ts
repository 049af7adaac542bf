import type { ContainerRef } from './container.js';
import type { CpuLimit } from './lifecycle.js';
import type { StatsRecord } from './statsRecord.js';

/** One raw stats record (a JSON text, as the engine sent it) with the container it came from. */
export interface RawRecord {
  readonly container: ContainerRef;
  readonly line: string;
}

/** A stats record that passed validation, with its container's identity. */
export interface DecodedStats {
  readonly container: ContainerRef;
  readonly stats: StatsRecord;
  /** Its CPU limit, when known (joined from its inspect): for `cpu.limit_percent`. */
  readonly cpuLimit?: CpuLimit;
}
