import type { ContainerRef } from './container.js';

/** One raw stats record (a JSON text, as the engine sent it) with the container it came from. */
export interface RawRecord {
  readonly container: ContainerRef;
  readonly line: string;
}
