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

type LineParts = { ms: number; labels: readonly string[]; names: string[]; raw: unknown[] };

/** A line's parts when it is four JSON texts separated by tabs (`sampleLine`'s form). */
function tabParts(line: string): LineParts | undefined {
  const parts = line.split('\t');
  if (parts.length !== 4) return undefined;
  const [ms, labels, names, raw] = parts.map(parsed) as [unknown, unknown, unknown, unknown];
  if (typeof ms !== 'number' || !strings(labels) || !strings(names) || !Array.isArray(raw)) return undefined;
  return names.length === raw.length && raw.every(readableValue) ? { ms, labels, names, raw } : undefined;
}

/** A line's parts when it is one JSON array `[ms,labels,[name,value,...]]` (the form before). */
function arrayParts(line: string): LineParts | undefined {
  const all = parsed(line);
  if (!Array.isArray(all) || all.length !== 3) return undefined;
  const [ms, labels, flat] = all as [unknown, unknown, unknown];
  if (typeof ms !== 'number' || !strings(labels) || !Array.isArray(flat)) return undefined;
  const names = flat.filter((_, i) => i % 2 === 0 && i + 1 < flat.length);
  const raw = flat.filter((_, i) => i % 2 === 1);
  return strings(names) && raw.every(readableValue) ? { ms, labels, names, raw } : undefined;
}

/**
 * A line's time, labels, names and raw values, in either form: `sampleLine`'s, or the one JSON
 * array `[ms,labels,[name,value,...]]` lines had before (a spool may still hold them; JSON lets
 * a tab be a blank in it, which the version before read). No text is both. A trailing name
 * without a value is left out; undefined when it is no line (a damaged record).
 */
export function sampleLineParts(line: string): LineParts | undefined {
  return (line.includes('\t') ? tabParts(line) : undefined) ?? arrayParts(line);
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
