/**
 * One point as Prometheus samples, on its way to a remote-write sink: its time in ms, its labels
 * (sanitized, sorted by name, without `__name__`), its metric names and a value per name. It
 * travels through the batch and the buffer (or spool) as one line of text (`sampleLine`), so
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

// The JSON of a labels or names array, made once per array (`samplesOf` shares them).
const arrayJson = new WeakMap<readonly string[], string>();
const jsonOf = (strings: readonly string[]): string => {
  let text = arrayJson.get(strings);
  if (text === undefined) arrayJson.set(strings, (text = JSON.stringify(strings)));
  return text;
};

/**
 * The line of a point's samples (no newline): its ms, labels, names and values, separated by
 * tabs, each part as `JSON.stringify` writes it (so none holds a tab or a newline). The reader
 * finds the parts with `indexOf` and keys label sets and name lists by their text, parsing each
 * only the first time; before, one JSON array `[ms,labels,[name,value,...]]` had to be scanned
 * character by character for its labels' end, and every name was parsed again per line.
 */
export function sampleLine(point: PointSamples): string {
  let values = '';
  for (let i = 0; i < point.values.length; i++) values += (i > 0 ? ',' : '') + jsonValue(point.values[i]!);
  return `${jsonNumber(point.ms)}\t${jsonOf(point.labels)}\t${jsonOf(point.names)}\t[${values}]`;
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

/** A readable value (`readableValue`) as its number: the stale marker's is NaN. */
export const sampleNumber = (raw: unknown): number =>
  raw === null ? Number.NaN : typeof raw === 'number' ? raw : SPECIAL[raw as string]!;

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const strings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((l) => typeof l === 'string');

/**
 * A line's time, labels, names and raw values, in either form: `sampleLine`'s, or the one JSON
 * array `[ms,labels,[name,value,...]]` lines had before (a spool may still hold them). A trailing
 * name without a value is left out; undefined when it is no line (a damaged record).
 */
export function sampleLineParts(
  line: string,
): { ms: number; labels: readonly string[]; names: string[]; raw: unknown[] } | undefined {
  const parts = line.includes('\t') ? line.split('\t') : undefined;
  const all = parts ? (parts.length === 4 ? parts.map(parsed) : undefined) : parsed(line);
  if (!Array.isArray(all) || all.length !== (parts ? 4 : 3)) return undefined;
  const [ms, labels] = all as [unknown, unknown];
  if (typeof ms !== 'number' || !strings(labels)) return undefined;
  let names: unknown[];
  let raw: unknown[];
  if (parts) {
    [names, raw] = [all[2], all[3]] as [unknown[], unknown[]];
    if (!Array.isArray(names) || !Array.isArray(raw) || names.length !== raw.length) return undefined;
  } else {
    const flat = all[2] as unknown;
    if (!Array.isArray(flat)) return undefined;
    names = flat.filter((_, i) => i % 2 === 0 && i + 1 < flat.length);
    raw = flat.filter((_, i) => i % 2 === 1);
  }
  if (!strings(names) || !raw.every(readableValue)) return undefined;
  return { ms, labels, names, raw };
}

/** A line back into its time, labels and samples; undefined when it is not one (a damaged record). */
export function readSampleLine(
  line: string,
): { ms: number; labels: readonly string[]; samples: ReadSample[] } | undefined {
  const parts = sampleLineParts(line);
  if (!parts) return undefined;
  const samples = parts.names.map((name, i) => ({
    name,
    value: sampleNumber(parts.raw[i]),
    stale: parts.raw[i] === null,
  }));
  return { ms: parts.ms, labels: parts.labels, samples };
}
