import { isStrings, readSampleLine, readableSamples, sampleNumber } from '../model/sampleLine.js';
import { type Series, type WriteRequestWriter, seriesOf } from './writeRequestWriter.js';

/** A label set met in the lines: its labels, and its series by metric name (their label bytes kept). */
interface LabelSet {
  /** Its key in `byLabels`: its labels' JSON. */
  readonly key: string;
  readonly labels: readonly string[];
  readonly series: Map<string, Series>;
}

/** A JSON number, as `JSON.parse` takes it (`Number` would take more: hex, blanks, Infinity). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A key of its own for a text cut from a line: V8 makes a slice of a string (a label set's text)
 * point into its parent, so a slice kept as a key kept the whole 64 kB that `chunkLines` decoded
 * at once, one per request a new label set came in (20 MB for 290 containers, against 2 MB).
 * Copied once per key, not per line; JSON's round trip keeps every code unit, lone surrogates too.
 */
const ownCopy = (text: string): string => JSON.parse(JSON.stringify(text)) as string;

const parsedStrings = (text: string): string[] | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isStrings(value) ? value : undefined;
};

/**
 * Labels a receiver takes: no name given twice, nor `__name__` (the metric's own name, written
 * beside them). Every version writes them so; a hand-made or foreign line may not, and Prometheus
 * answers a name given twice with a 500, which retried its batch for ever. (A name without its
 * value is left out, as every version did.)
 */
function sendable(labels: readonly string[]): boolean {
  const names = new Set<string>();
  for (let i = 0; i + 1 < labels.length; i += 2) {
    const name = labels[i]!;
    if (name === '__name__' || names.has(name)) return false;
    names.add(name);
  }
  return true;
}

const [BACKSLASH, COMMA, OPEN, CLOSE] = ['\\', ',', '[', ']'].map((c) => c.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
];

/**
 * Where the labels array opening at `from` ends (the index of its `]`), or -1 when it cannot be
 * told quickly. Its strings are JSON's, in which every quote inside a value is escaped, so the
 * first `"],[` whose quote is not escaped (an even run of backslashes before it) closes the last
 * label, or opens a value that starts with `],[`: then the text cut there is no JSON array of
 * strings, and the line falls to the full parse (as a line not written by `sampleLine` does),
 * which checks everything.
 */
function labelsEnd(line: string, from: number): number {
  if (line.charCodeAt(from + 1) === CLOSE) return from + 1;
  const quote = line.indexOf('"],[', from + 1);
  if (quote < 0) return -1;
  let k = quote - 1;
  while (line.charCodeAt(k) === BACKSLASH) k--;
  return (quote - 1 - k) % 2 === 0 ? quote + 1 : -1;
}

/**
 * Reads sample lines (`sampleLine`) into a `WriteRequestWriter`. A line's labels are its middle
 * element, the same text for every point of a container: that text is found with `indexOf`,
 * looked up, parsed only the first time, and its series' label bytes made once (`seriesOf`);
 * only the time and the samples are parsed per line. A line not written as `sampleLine` writes
 * one is read by `readSampleLine`, so every line reads as it did; a damaged line adds nothing.
 *
 * Containers come and go: the sets are kept in two generations, the one being filled and the one
 * before; a set met again moves to the new one, and the old is dropped every `every` requests
 * (or when the new one passes half of `maxSets`). A set not met for that long is forgotten
 * (2.7 kB each with its series' label bytes: a host's churn would hold tens of MB until the
 * bound was reached, then drop even the live ones).
 */
export function sampleLineReader(
  maxSets = 20_000,
  every = 300,
): {
  read: (line: string, writer: WriteRequestWriter) => boolean;
  /** Ends a request: call between requests, never within one (a set must stay one within it). */
  trim: () => void;
  /** The label sets kept (tests). */
  size: () => number;
} {
  let byText = new Map<string, LabelSet>();
  let oldText = new Map<string, LabelSet>();
  // By the labels themselves: two texts of one label set (a line written otherwise) are one set.
  // Keyed by their JSON: joined by \0, ['', 'x'] and ['\0x'] were one key, and so one series.
  let byLabels = new Map<string, LabelSet>();
  let oldLabels = new Map<string, LabelSet>();
  let requests = 0;

  /** A set met in this generation: under its labels too, or another text of it would be another set. */
  const kept = (set: LabelSet): LabelSet => {
    if (byLabels.get(set.key) !== set) {
      oldLabels.delete(set.key);
      byLabels.set(set.key, set);
    }
    return set;
  };

  const labelSet = (labels: readonly string[]): LabelSet | undefined => {
    if (!sendable(labels)) return undefined;
    const key = JSON.stringify(labels);
    const set = byLabels.get(key) ?? oldLabels.get(key) ?? { key, labels, series: new Map<string, Series>() };
    return kept(set);
  };

  const setOfText = (text: string): LabelSet | undefined => {
    const known = byText.get(text);
    if (known) return known;
    const old = oldText.get(text);
    if (old) {
      oldText.delete(text);
      byText.set(ownCopy(text), old);
      return kept(old);
    }
    const labels = parsedStrings(text);
    const set = labels && labelSet(labels);
    if (!set) return undefined;
    byText.set(ownCopy(text), set);
    return set;
  };

  const seriesIn = (set: LabelSet, name: string): Series => {
    let series = set.series.get(name);
    if (!series) set.series.set(name, (series = seriesOf(set.labels, name)));
    return series;
  };

  /** A line written as `sampleLine` writes it: its labels found by `labelsEnd`. */
  const quick = (line: string, writer: WriteRequestWriter): boolean => {
    const comma = line.indexOf(',');
    if (line.charCodeAt(0) !== OPEN || comma < 0 || line.charCodeAt(line.length - 1) !== CLOSE) return false;
    const msText = line.slice(1, comma);
    if (!JSON_NUMBER.test(msText) || line.charCodeAt(comma + 1) !== OPEN) return false;
    const end = labelsEnd(line, comma + 1);
    if (end < 0 || line.charCodeAt(end + 1) !== COMMA) return false;
    const set = setOfText(line.slice(comma + 1, end + 1));
    if (!set) return false;
    let flat: unknown;
    try {
      flat = JSON.parse(line.slice(end + 2, -1));
    } catch {
      return false;
    }
    if (!Array.isArray(flat) || !readableSamples(flat)) return false;
    const ms = Number(msText);
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const raw = flat[i + 1];
      writer.add(seriesIn(set, flat[i] as string), ms, raw === null ? null : sampleNumber(raw));
    }
    return true;
  };

  const read = (line: string, writer: WriteRequestWriter): boolean => {
    if (quick(line, writer)) return true;
    const point = readSampleLine(line);
    if (!point) return false;
    const set = labelSet(point.labels);
    if (!set) return false;
    for (const { name, value, stale } of point.samples) writer.add(seriesIn(set, name), point.ms, stale ? null : value);
    return true;
  };

  const trim = (): void => {
    if (++requests < every && byText.size <= maxSets / 2 && byLabels.size <= maxSets / 2) return;
    requests = 0;
    oldText = byText;
    oldLabels = byLabels;
    byText = new Map();
    byLabels = new Map();
  };

  const size = (): number => new Set([...byLabels.values(), ...oldLabels.values()]).size;

  return { read, trim, size };
}
