import type { Observable } from 'rxjs';
import type { DecodedStats } from '../model/records.js';
import type { Engine } from './engine/engine.js';

/**
 * The seam between where container stats come from and the rest of the pipeline. A source reads
 * the stats of one engine's watched containers (discovery, the engine's events and listing, is
 * the same for every source) and hands on decoded records with their container, the shape that
 * transform, encode and delivery take, whatever the source.
 *
 * `apiSource` reads the Engine API's stats endpoint; the next source reads the kernel's cgroup
 * files (issue 14).
 */
export interface StatsSource {
  /** How the records are read (`api`, `cgroup`): in logs and telemetry. */
  readonly name: string;
  /** Every watched container's records; never errors: an engine outage is logged and retried. */
  stats$(engine: Engine): Observable<DecodedStats>;
}
