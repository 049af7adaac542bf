/**
 * One point as Prometheus samples, on its way to a remote-write sink: its time in ms, its labels
 * (sanitized, sorted by name, without `__name__`) and a value per metric name. It travels through
 * the batch and the buffer (or spool) as one line of JSON, so that the remote-write sink shares
 * the line-protocol sinks' batching, buffer, spool, splitting and retries unchanged; the
 * protobuf is made when a batch is written.
 */
export interface PointSamples {
  readonly ms: number;
  /** Label name, value, name, value, ... sorted by name. */
  readonly labels: readonly string[];
  /** Metric name, value, name, value, ...; `STALE` for a stale marker. */
  readonly samples: readonly (string | number)[];
}

/**
 * Prometheus's stale marker: a NaN of its own bit pattern (0x7ff0000000000002), which the server
 * tells apart from any NaN a value may be. JSON has no NaN: `null` stands for it in a line.
 */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

/** The stale marker as a double (its bits kept: NaN payloads survive a DataView). */
export function staleNaN(): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, STALE_NAN_BITS);
  return view.getFloat64(0);
}

/** A stale marker in `PointSamples.samples`. */
export const STALE = 'stale';

/** JSON has no NaN nor infinities: they are written as the strings Prometheus itself uses. */
const SPECIAL: Readonly<Record<string, number>> = { NaN: Number.NaN, '+Inf': Infinity, '-Inf': -Infinity };

const jsonValue = (value: string | number): string | number | null => {
  if (value === STALE) return null;
  if (typeof value === 'string') return value;
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
};

/**
 * The labels' JSON by labels array: a container's points share one array per tag set
 * (`samplesOf`), so its JSON, most of a line, is made once rather than at every point.
 */
const labelsJson = new WeakMap<readonly string[], string>();

/** The line of a point's samples (no newline): `JSON.stringify([ms, labels, samples])`, its labels' part kept. */
export function sampleLine(point: PointSamples): string {
  let labels = labelsJson.get(point.labels);
  if (labels === undefined) labelsJson.set(point.labels, (labels = JSON.stringify(point.labels)));
  return `[${JSON.stringify(point.ms)},${labels},${JSON.stringify(point.samples.map(jsonValue))}]`;
}

/** A sample as it is sent: a number, or the stale marker. */
export interface ReadSample {
  readonly name: string;
  readonly value: number;
  readonly stale: boolean;
}

/** A line back into its time, labels and samples; undefined when it is not one (a damaged record). */
export function readSampleLine(
  line: string,
): { ms: number; labels: readonly string[]; samples: ReadSample[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [ms, labels, flat] = parsed as [unknown, unknown, unknown];
  if (typeof ms !== 'number' || !Array.isArray(labels) || !Array.isArray(flat)) return undefined;
  if (!labels.every((l) => typeof l === 'string')) return undefined;
  const samples: ReadSample[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i] as unknown;
    const raw = flat[i + 1] as unknown;
    if (typeof name !== 'string') return undefined;
    if (raw === null) samples.push({ name, value: Number.NaN, stale: true });
    else if (typeof raw === 'number') samples.push({ name, value: raw, stale: false });
    else if (typeof raw === 'string' && raw in SPECIAL) samples.push({ name, value: SPECIAL[raw]!, stale: false });
    else return undefined;
  }
  return { ms, labels: labels as string[], samples };
}
