import { isLeft } from 'fp-ts/lib/Either.js';
import { type OperatorFunction, filter, map, pipe } from 'rxjs';
import type { StatsLine } from '../collect/allStats$.js';
import type { ContainerRef } from '../collect/engineCodecs.js';
import { type Logger, silentLogger } from '../log.js';
import { formatErrors } from './formatErrors.js';
import { StatsRecord } from './statsCodec.js';

/** A stats record that passed validation, with its container's identity. */
export interface DecodedStats {
  readonly container: ContainerRef;
  readonly stats: StatsRecord;
}

/** A record that did not: not JSON, or not a stats record. */
export interface DecodeFailure {
  readonly container: ContainerRef;
  readonly reason: string;
}

export interface DecodeOptions {
  readonly log?: Logger;
  /** Called for every failure, e.g. to count them. */
  readonly onError?: (failure: DecodeFailure) => void;
}

/** Containers whose first bad record was logged, kept to log only once each. */
const MAX_LOGGED_CONTAINERS = 10_000;

/** Parses and validates one raw record: the stats, or the reason they were refused. */
export function decodeRecord(line: string): StatsRecord | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  // The codecs transform nothing, so `is` accepts exactly what `decode` does, without building
  // io-ts's context for every key (half the cost on the hot path); `decode` runs only to explain.
  if (StatsRecord.is(json)) return json;
  const decoded = StatsRecord.decode(json);
  return isLeft(decoded) ? formatErrors(decoded.left).join('; ') : decoded.right;
}

/**
 * Parse and Validate: JSON.parse, then the io-ts codec. A record that fails is reported through
 * `onError` (every time) and the log (the first failure of each container, with its name and a
 * readable path), then skipped: the container's stream goes on, other containers are untouched.
 *
 * ```
 * source: --a--x--b--|     (x: `{"read":"..","cpu_stats":{"cpu_usage":{"total_usage":"x"}}}`)
 * result: --A-----B--|     (onError: Expecting number at cpu_stats.cpu_usage.total_usage but got "x")
 * ```
 */
export function decodeStats(options: DecodeOptions = {}): OperatorFunction<StatsLine, DecodedStats> {
  const log = options.log ?? silentLogger;
  const logged = new Set<string>();
  return pipe(
    map(({ container, line }): DecodedStats | undefined => {
      const result = decodeRecord(line);
      if (typeof result !== 'string') return { container, stats: result };
      options.onError?.({ container, reason: result });
      if (!logged.has(container.id)) {
        // Bounded: with container churn the ids would pile up; past this many, each is logged anew.
        if (logged.size >= MAX_LOGGED_CONTAINERS) logged.clear();
        logged.add(container.id);
        log.warn({ container: container.name, id: container.id, reason: result }, 'skipped a stats record that does not decode');
      }
      return undefined;
    }),
    filter((decoded): decoded is DecodedStats => decoded !== undefined),
  );
}
