/** One sample of a Prometheus text exposition: `name{label="value",...} value [timestamp]`. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /^[A-Za-z_:][\w:]*/;
const LABEL_NAME = /^[A-Za-z_]\w*/;
/** The three escapes the format has in a label value; any other backslash stands for itself. */
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n' };

/**
 * A label value from the opening quote at `from`: its text unescaped, and where it ends (after
 * the closing quote); undefined when no quote closes it. A value may hold `}`, `,`, `"` and
 * newlines (escaped), which a regex up to the first `}` would cut.
 */
function labelValue(line: string, from: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = from + 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\' && i + 1 < line.length) {
      const next = line[i + 1]!;
      value += ESCAPES[next] ?? `\\${next}`;
      i++;
    } else value += c;
  }
  return undefined;
}

/** The `{...}` label set from `from` (its opening brace): the labels and where it ends; undefined when malformed. */
function labelSet(line: string, from: number): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let i = from + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(line.slice(i))?.[0];
    if (!name) return undefined;
    i += name.length;
    while (line[i] === ' ') i++;
    if (line[i] !== '=') return undefined;
    i++;
    while (line[i] === ' ') i++;
    if (line[i] !== '"') return undefined;
    const read = labelValue(line, i);
    if (!read) return undefined;
    labels[name] = read.value;
    i = read.end;
  }
}

/**
 * A sample line, with its label values unescaped (`\\`, `\"`, `\n`); undefined for comments,
 * blank or malformed lines. The value is a number as the format writes it (`+Inf`, `NaN` too).
 */
export function promSample(line: string): PromSample | undefined {
  const name = NAME.exec(line)?.[0];
  if (!name) return undefined;
  let labels: Record<string, string> = {};
  let rest = line.slice(name.length);
  if (rest.startsWith('{')) {
    const set = labelSet(line, name.length);
    if (!set) return undefined;
    labels = set.labels;
    rest = line.slice(set.end);
  }
  const text = /^\s+(\S+)/.exec(rest)?.[1];
  if (text === undefined) return undefined;
  const value = /^[+-]?inf$/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
  return { name, labels, value };
}
