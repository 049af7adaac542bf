// As it was before f05c136 (one JSON array a sample line), kept to compare versions:
// test/unit/sampleLineVersions.test.ts. Only its imports are changed.
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

/** A number as `JSON.stringify` writes it (`String` writes the same for a finite one, faster). */
const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

const jsonValue = (value: string | number): string => {
  if (value === STALE) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"+Inf"' : '"-Inf"';
};

// A label set's JSON, made once per labels array (`samplesOf` makes one per tag object).
const labelsJson = new WeakMap<readonly string[], string>();

/**
 * The line of a point's samples (no newline): `JSON.stringify([ms, labels, samples])`, with the
 * labels' text kept and the samples written without an array of them in between.
 */
export function sampleLine(point: PointSamples): string {
  let labels = labelsJson.get(point.labels);
  if (labels === undefined) labelsJson.set(point.labels, (labels = JSON.stringify(point.labels)));
  let line = `[${jsonNumber(point.ms)},${labels},[`;
  for (let i = 0; i < point.samples.length; i++) line += (i > 0 ? ',' : '') + jsonValue(point.samples[i]!);
  return `${line}]]`;
}

/** A sample as it is sent: a number, or the stale marker. */
export interface ReadSample {
  readonly name: string;
  readonly value: number;
  readonly stale: boolean;
}

/**
 * A line's flat samples (name, value, ...) are all readable: names strings, values numbers, `null`
 * (the stale marker) or the strings Prometheus uses for NaN and the infinities. A trailing name
 * without a value is ignored.
 */
export function readableSamples(flat: readonly unknown[]): boolean {
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const raw = flat[i + 1];
    if (typeof flat[i] !== 'string') return false;
    if (raw !== null && typeof raw !== 'number' && !(typeof raw === 'string' && raw in SPECIAL)) return false;
  }
  return true;
}

/** A readable value (`readableSamples`) as its number: the stale marker's is NaN. */
export const sampleNumber = (raw: unknown): number =>
  raw === null ? Number.NaN : typeof raw === 'number' ? raw : SPECIAL[raw as string]!;

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
  if (!labels.every((l) => typeof l === 'string') || !readableSamples(flat)) return undefined;
  const samples: ReadSample[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    samples.push({ name: flat[i] as string, value: sampleNumber(flat[i + 1]), stale: flat[i + 1] === null });
  return { ms, labels: labels as string[], samples };
}
