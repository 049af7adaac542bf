import { isLeft } from 'fp-ts/lib/Either.js';
import { type OperatorFunction, defer, filter, map } from 'rxjs';
import type { ContainerSample } from '../model/containerSample.js';
import { type Logger, silentLogger } from '../model/logger.js';
import type { RawRecord } from '../model/records.js';
import { type TelemetrySink, noTelemetry } from '../model/telemetry.js';
import { StatsRecord } from './engineStats.js';
import { formatErrors } from './formatErrors.js';
import { toSample } from './toSample.js';

export interface DecodeOptions {
  readonly log?: Logger;
  /** Told `record-refused`, with the reason, for every record that does not decode. */
  readonly telemetry?: TelemetrySink;
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
 * Parse and Validate: JSON.parse, then the io-ts codec, then the Engine API adapter (`toSample`).
 * A record that fails is reported (every time) and logged (the first failure of each container,
 * with its name and a readable path), then skipped: the container's stream goes on, other
 * containers are untouched. Samples a source built itself (the cgroup source's) pass as they are.
 *
 * ```
 * source: --a--x--b--|     (x: `{"read":"..","cpu_stats":{"cpu_usage":{"total_usage":"x"}}}`)
 * result: --A-----B--|     (reported: Expecting number at cpu_stats.cpu_usage.total_usage but got "x")
 * ```
 */
export function decodeStats(
  options: DecodeOptions = {},
): OperatorFunction<RawRecord | ContainerSample, ContainerSample> {
  const log = options.log ?? silentLogger;
  const telemetry = options.telemetry ?? noTelemetry;
  return (source) =>
    defer(() => {
      const logged = new Set<string>(); // per subscription
      return source.pipe(decodeEach(log, telemetry, logged));
    });
}

function decodeEach(
  log: Logger,
  telemetry: TelemetrySink,
  logged: Set<string>,
): OperatorFunction<RawRecord | ContainerSample, ContainerSample> {
  return (source) =>
    source.pipe(
      map((item): ContainerSample | undefined => {
        if (!('line' in item)) return item;
        const { container, line } = item;
        const result = decodeRecord(line);
        if (typeof result !== 'string') return toSample(container, result);
        telemetry.next({ type: 'record-refused', container: container.name, reason: result });
        if (!logged.has(container.id)) {
          // Bounded: with container churn the ids would pile up; past this many, each is logged anew.
          if (logged.size >= MAX_LOGGED_CONTAINERS) logged.clear();
          logged.add(container.id);
          log.warn(
            { container: container.name, id: container.id, reason: result },
            'skipped a stats record that does not decode',
          );
        }
        return undefined;
      }),
      filter((sample): sample is ContainerSample => sample !== undefined),
    );
}
