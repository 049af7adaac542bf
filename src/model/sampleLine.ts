/**
 * One point as Prometheus samples, on its way to a remote-write sink: its time in ms, its labels
 * (sanitized, sorted by name, without `__name__`), its metric names and a value per name. It
 * travels through the batch and the buffer (or spool) as one line of JSON (`sampleLine`), so
 * that the remote-write sink shares the line-protocol sinks' batching, buffer, spool, splitting
 * and retries unchanged; the protobuf is made when a batch is written.
 */
export interface PointSamples {
  readonly ms: number;
  /** Label name, value, name, value, ... sorted by name. */
  readonly labels: readonly string[];
  /** The metric names: one array for every point of a shape, so that its text is made once. */
  readonly names: readonly string[];
  /** A value per name; `STALE` for a stale marker. */
  readonly values: readonly SampleValue[];
}

/** A stale marker in `PointSamples.values`. */
export const STALE = 'stale';
export type SampleValue = number | typeof STALE;

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

/** JSON has no NaN nor infinities: they are written as the strings Prometheus itself uses. */
const SPECIAL: Readonly<Record<string, number>> = { NaN: Number.NaN, '+Inf': Infinity, '-Inf': -Infinity };

/** A number as `JSON.stringify` writes it (`String` writes the same for a finite one, faster). */
const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

const jsonValue = (value: SampleValue): string => {
  if (value === STALE) return 'null';
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"+Inf"' : '"-Inf"';
};

// A labels array's JSON, and for a names array each name's JSON between commas (`,"name",`, the
// first without its leading comma): made once per array (`samplesOf` shares one labels array per
// tag object and one names array per shape of point).
const labelsJson = new WeakMap<readonly string[], string>();
const namesJson = new WeakMap<readonly string[], readonly string[]>();

/**
 * The line of a point's samples (no newline): `JSON.stringify([ms, labels, [name, value, ...]])`
 * (NaN and the infinities as Prometheus's names, the stale marker as `null`), written from the
 * kept JSON of its labels and names. The form is the one every version has written: a spool
 * read by an earlier version after a downgrade reads as it did.
 */
export function sampleLine(point: PointSamples): string {
  let labels = labelsJson.get(point.labels);
  if (labels === undefined) labelsJson.set(point.labels, (labels = JSON.stringify(point.labels)));
  let names = namesJson.get(point.names);
  if (names === undefined)
    namesJson.set(point.names, (names = point.names.map((n, i) => `${i > 0 ? ',' : ''}${JSON.stringify(n)},`)));
  let samples = '';
  for (let i = 0; i < names.length; i++) samples += names[i]! + jsonValue(point.values[i]!);
  return `[${jsonNumber(point.ms)},${labels},[${samples}]]`;
}

/** A sample as it is sent: a number, or the stale marker. */
export interface ReadSample {
  readonly name: string;
  readonly value: number;
  readonly stale: boolean;
}

/** A value as a line holds it: a number, `null` (the stale marker) or NaN's and the infinities' names. */
export const readableValue = (raw: unknown): boolean =>
  raw === null || typeof raw === 'number' || (typeof raw === 'string' && Object.hasOwn(SPECIAL, raw));

/**
 * A line's flat samples (name, value, ...) are all readable: names strings, values `readableValue`.
 * A trailing name without a value is ignored.
 */
export function readableSamples(flat: readonly unknown[]): boolean {
  for (let i = 0; i + 1 < flat.length; i += 2)
    if (typeof flat[i] !== 'string' || !readableValue(flat[i + 1])) return false;
  return true;
}

/** A readable value (`readableValue`) as its number: the stale marker's is NaN. */
export const sampleNumber = (raw: unknown): number =>
  raw === null ? Number.NaN : typeof raw === 'number' ? raw : SPECIAL[raw as string]!;

type ReadLine = { ms: number; labels: readonly string[]; samples: ReadSample[] };

/** Whether a parsed JSON value is an array of strings (a line's labels, its names). */
export const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((l) => typeof l === 'string');

/**
 * A line of the form f05c136 wrote (ms, labels, names and values, each as JSON, separated by
 * tabs; on main until a410efa): a spool made by a build of that time holds them, and read as
 * damaged they were all skipped and their batch acknowledged. No JSON text is one.
 */
function tabSeparatedLine(line: string): ReadLine | undefined {
  const parts = line.split('\t');
  if (parts.length !== 4) return undefined;
  let ms: unknown, labels: unknown, names: unknown, raw: unknown;
  try {
    [ms, labels, names, raw] = parts.map((part) => JSON.parse(part) as unknown);
  } catch {
    return undefined;
  }
  if (typeof ms !== 'number' || !isStrings(labels) || !isStrings(names) || !Array.isArray(raw)) return undefined;
  if (names.length !== raw.length || !raw.every(readableValue)) return undefined;
  const samples = names.map((name, i) => ({ name, value: sampleNumber(raw[i]), stale: raw[i] === null }));
  return { ms, labels, samples };
}

/**
 * A line back into its time, labels and samples; undefined when it is not one (a damaged record).
 * A line of the tab-separated form of f05c136 reads too (`tabSeparatedLine`).
 */
export function readSampleLine(line: string): ReadLine | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return line.includes('\t') ? tabSeparatedLine(line) : undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [ms, labels, flat] = parsed as [unknown, unknown, unknown];
  if (typeof ms !== 'number' || !Array.isArray(labels) || !Array.isArray(flat)) return undefined;
  if (!isStrings(labels) || !readableSamples(flat)) return undefined;
  const samples: ReadSample[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    samples.push({ name: flat[i] as string, value: sampleNumber(flat[i + 1]), stale: flat[i + 1] === null });
  return { ms, labels, samples };
}
