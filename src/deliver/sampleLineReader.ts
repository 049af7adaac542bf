import { readSampleLine, readableSamples, sampleNumber } from '../model/sampleLine.js';
import { type Series, type WriteRequestWriter, seriesOf } from './writeRequestWriter.js';

/** A label set met in the lines: its labels, and its series by metric name (their label bytes kept). */
interface LabelSet {
  readonly labels: readonly string[];
  readonly series: Map<string, Series>;
}

/** A JSON number, as `JSON.parse` takes it (`Number` would take more: hex, blanks, Infinity). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const [QUOTE, BACKSLASH, COMMA, OPEN, CLOSE] = ['"', '\\', ',', '[', ']'].map((c) => c.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
  number,
];

/**
 * Where the array of strings opening at `from` ends (the index of its `]`), or -1 when it is not
 * written as `JSON.stringify` writes one (no blanks). Only the ends are found here: the text is
 * parsed once per distinct label set, which checks it.
 */
function stringsEnd(line: string, from: number): number {
  let i = from + 1;
  if (line.charCodeAt(i) === CLOSE) return i;
  for (;;) {
    if (line.charCodeAt(i++) !== QUOTE) return -1;
    for (let c = line.charCodeAt(i); c !== QUOTE; c = line.charCodeAt(i)) {
      if (Number.isNaN(c)) return -1;
      i += c === BACKSLASH ? 2 : 1;
    }
    const next = line.charCodeAt(++i);
    if (next === CLOSE) return i;
    if (next !== COMMA) return -1;
    i++;
  }
}

/**
 * Reads sample lines (`sampleLine`) into a `WriteRequestWriter`. A line's labels are its middle
 * element, the same text for every point of a container: that text is looked up, parsed only the
 * first time, and its series' label bytes made once (`seriesOf`); only the time and the samples
 * are parsed per line. A line not written as `sampleLine` writes one is read by `readSampleLine`,
 * so every line reads as it did; a damaged line adds nothing. The sets are forgotten past
 * `maxSets` (containers come and go).
 */
export function sampleLineReader(maxSets = 20_000): {
  read: (line: string, writer: WriteRequestWriter) => boolean;
  /** Forgets the label sets past the bound: call between requests, never within one. */
  trim: () => void;
} {
  let byText = new Map<string, LabelSet>();
  // By the labels themselves: two texts of one label set (a line written otherwise) are one set.
  // Keyed by their JSON: joined by \0, ['', 'x'] and ['\0x'] were one key, and so one series.
  let byLabels = new Map<string, LabelSet>();

  const labelSet = (labels: readonly string[]): LabelSet => {
    const key = JSON.stringify(labels);
    let set = byLabels.get(key);
    if (!set) byLabels.set(key, (set = { labels, series: new Map() }));
    return set;
  };

  const setOfText = (text: string): LabelSet | undefined => {
    const known = byText.get(text);
    if (known) return known;
    let labels: unknown;
    try {
      labels = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) return undefined;
    const set = labelSet(labels as string[]);
    byText.set(text, set);
    return set;
  };

  const seriesIn = (set: LabelSet, name: string): Series => {
    let series = set.series.get(name);
    if (!series) set.series.set(name, (series = seriesOf(set.labels, name)));
    return series;
  };

  /** A line's time, label set and flat samples when it is written as `sampleLine` writes it. */
  const quick = (line: string): { ms: number; set: LabelSet; flat: unknown[] } | undefined => {
    const comma = line.indexOf(',');
    if (line.charCodeAt(0) !== OPEN || comma < 0 || line.charCodeAt(line.length - 1) !== CLOSE) return undefined;
    const msText = line.slice(1, comma);
    if (!JSON_NUMBER.test(msText) || line.charCodeAt(comma + 1) !== OPEN) return undefined;
    const end = stringsEnd(line, comma + 1);
    if (end < 0 || line.charCodeAt(end + 1) !== COMMA) return undefined;
    const set = setOfText(line.slice(comma + 1, end + 1));
    if (!set) return undefined;
    let flat: unknown;
    try {
      flat = JSON.parse(line.slice(end + 2, -1));
    } catch {
      return undefined;
    }
    return Array.isArray(flat) && readableSamples(flat) ? { ms: Number(msText), set, flat } : undefined;
  };

  const read = (line: string, writer: WriteRequestWriter): boolean => {
    const one = quick(line);
    if (one) {
      const { ms, set, flat } = one;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const raw = flat[i + 1];
        writer.add(seriesIn(set, flat[i] as string), ms, raw === null ? null : sampleNumber(raw));
      }
      return true;
    }
    const point = readSampleLine(line);
    if (!point) return false;
    const set = labelSet(point.labels);
    for (const { name, value, stale } of point.samples) writer.add(seriesIn(set, name), point.ms, stale ? null : value);
    return true;
  };

  const trim = (): void => {
    if (byText.size <= maxSets && byLabels.size <= maxSets) return;
    byText = new Map();
    byLabels = new Map();
  };

  return { read, trim };
}
