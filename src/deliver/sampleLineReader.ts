import { readSampleLine, readableValue, sampleNumber } from '../model/sampleLine.js';
import { type Series, type WriteRequestWriter, seriesOf } from './writeRequestWriter.js';

/** A list of metric names met in the lines (a point's shape), and its text. */
interface Names {
  readonly names: readonly string[];
  readonly text: string;
}

/** A label set met in the lines: its labels, and its series by metric name (their label bytes kept). */
interface LabelSet {
  /** Its key in `byLabels`: its labels' JSON. */
  readonly key: string;
  readonly labels: readonly string[];
  readonly series: Map<string, Series>;
  /**
   * Its series for a list of names, in the list's order, by the list's text: a `Names` is made
   * again after the cache of them is cleared, and keyed by it every set kept one more list per
   * clearing, up to MAX_LISTS_PER_SET of the same names.
   */
  readonly lists: Map<string, readonly Series[]>;
}

/** A JSON number, as `JSON.parse` takes it (`Number` would take more: hex, blanks, Infinity). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Name lists kept, and lists kept per label set: points have a few shapes; more is a damaged spool. */
const MAX_NAME_LISTS = 1000;
const MAX_LISTS_PER_SET = 64;

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
  return Array.isArray(value) && value.every((l) => typeof l === 'string') ? (value as string[]) : undefined;
};

const parsedValues = (text: string, count: number): unknown[] | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Array.isArray(value) && value.length === count && value.every(readableValue) ? value : undefined;
};

/**
 * Reads sample lines (`sampleLine`) into a `WriteRequestWriter`. A line's labels and names are
 * the same text for every point of a container and shape: each text is looked up, parsed only the
 * first time, and its series' label bytes made once (`seriesOf`); only the time and the values
 * are parsed per line. A line not written as `sampleLine` writes one (an older spool's) is read
 * by `readSampleLine`, so every line reads as it did; a damaged line adds nothing.
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
  let names = new Map<string, Names>();

  /** A set met in this generation: under its labels too, or another text of it would be another set. */
  const kept = (set: LabelSet): LabelSet => {
    if (byLabels.get(set.key) !== set) {
      oldLabels.delete(set.key);
      byLabels.set(set.key, set);
    }
    return set;
  };

  const labelSet = (labels: readonly string[]): LabelSet => {
    const key = JSON.stringify(labels);
    const set = byLabels.get(key) ??
      oldLabels.get(key) ?? { key, labels, series: new Map<string, Series>(), lists: new Map() };
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
    if (!labels) return undefined;
    const set = labelSet(labels);
    byText.set(ownCopy(text), set);
    return set;
  };

  const namesOfText = (text: string): Names | undefined => {
    const known = names.get(text);
    if (known) return known;
    const list = parsedStrings(text);
    if (!list) return undefined;
    if (names.size >= MAX_NAME_LISTS) names = new Map();
    const one = { names: list, text: ownCopy(text) };
    names.set(one.text, one);
    return one;
  };

  const seriesIn = (set: LabelSet, name: string): Series => {
    let series = set.series.get(name);
    if (!series) set.series.set(name, (series = seriesOf(set.labels, name)));
    return series;
  };

  const seriesOfList = (set: LabelSet, list: Names): readonly Series[] => {
    let series = set.lists.get(list.text);
    if (!series) {
      if (set.lists.size >= MAX_LISTS_PER_SET) set.lists.clear();
      set.lists.set(list.text, (series = list.names.map((name) => seriesIn(set, name))));
    }
    return series;
  };

  /** A line written as `sampleLine` writes it: its parts found by their tabs. */
  const quick = (line: string, writer: WriteRequestWriter): boolean => {
    const t1 = line.indexOf('\t');
    const t2 = t1 < 0 ? -1 : line.indexOf('\t', t1 + 1);
    const t3 = t2 < 0 ? -1 : line.indexOf('\t', t2 + 1);
    if (t3 < 0 || line.indexOf('\t', t3 + 1) >= 0) return false;
    const msText = line.slice(0, t1);
    if (!JSON_NUMBER.test(msText)) return false;
    const set = setOfText(line.slice(t1 + 1, t2));
    const list = set && namesOfText(line.slice(t2 + 1, t3));
    const raw = list && parsedValues(line.slice(t3 + 1), list.names.length);
    if (!raw) return false;
    const series = seriesOfList(set, list);
    const ms = Number(msText);
    for (let i = 0; i < raw.length; i++) writer.add(series[i]!, ms, raw[i] === null ? null : sampleNumber(raw[i]));
    return true;
  };

  const read = (line: string, writer: WriteRequestWriter): boolean => {
    if (quick(line, writer)) return true;
    const point = readSampleLine(line);
    if (!point) return false;
    const set = labelSet(point.labels);
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
