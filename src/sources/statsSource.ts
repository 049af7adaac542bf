import type { Observable } from 'rxjs';
import type { ContainerSample } from '../model/containerSample.js';
import { type Engine, engineIsLocal } from './engine/engine.js';

/**
 * The seam between where container stats come from and the rest of the pipeline. A source reads
 * the stats of one engine's watched containers (discovery, the engine's events and listing, is
 * the same for every source) and hands on samples (`ContainerSample`: our own units, no engine's
 * format), which transform takes whatever the source.
 *
 * `apiSource` reads the Engine API's stats endpoint; the next source reads the kernel's cgroup
 * files (issue 14).
 */
export interface StatsSource {
  /** How the records are read (`api`, `cgroup`): in logs and telemetry. */
  readonly name: string;
  /** Every watched container's samples; never errors: an engine outage is logged and retried. */
  stats$(engine: Engine): Observable<ContainerSample>;
}

/**
 * Where STATS_SOURCE reads an engine's stats from, as the log at start says it: `auto` chooses by
 * where the engine is, as `cgroupSource` does (a local engine's containers from their cgroup
 * files, each one whose files cannot be read through the Engine API; a remote engine's through
 * the Engine API).
 */
export function statsReadFrom(statsSource: 'auto' | 'cgroup' | 'api', address: string): string {
  if (statsSource === 'api') return 'the Engine API';
  if (engineIsLocal(address))
    return statsSource === 'auto' ? 'cgroup files, the Engine API where they cannot be read' : 'cgroup files';
  return statsSource === 'auto'
    ? 'the Engine API, as the engine is not on this host'
    : 'nowhere: the cgroup files of an engine not on this host cannot be read';
}
