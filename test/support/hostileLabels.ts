/**
 * Container labels that line protocol finds hard, and what InfluxDB and VictoriaMetrics store of
 * each as a tag (TAG_LABELS): the README's table ("Metrics schema") is made of these rows, and
 * test/integration/hostileLabels.real.test.ts reads them back from both databases.
 * `stored: undefined`: no tag is written.
 */
export interface HostileLabel {
  readonly key: string;
  readonly value: string;
  readonly stored: string | undefined;
  /** The tag's key where it is not the label's: a key a database reserves. */
  readonly storedKey?: string;
}

export const HOSTILE_LABELS: readonly HostileLabel[] = [
  { key: 'lp.windows', value: 'C:\\data\\logs', stored: 'C:\\data\\logs' },
  { key: 'lp.trailing', value: 'C:\\data\\', stored: 'C:\\data' },
  { key: 'lp.unc', value: '\\\\server\\share', stored: '\\server\\share' },
  { key: 'lp.quotes', value: 'say "hi"', stored: 'say "hi"' },
  { key: 'lp.escaped', value: 'a\\,b c\\ d e\\=f \\"g\\"', stored: 'a,b c d e=f "g"' },
  { key: 'lp.separators', value: 'a,b=c d', stored: 'a,b=c d' },
  { key: 'lp.newline', value: 'line1\nline2', stored: 'line1\\nline2' },
  { key: 'lp.crlf', value: 'dos\r\n', stored: 'dos\\r\\n' },
  { key: 'lp.tab', value: 'a\tb', stored: 'a\tb' },
  { key: 'lp.unicode', value: 'Grüße, 世界', stored: 'Grüße, 世界' },
  { key: 'lp.emoji', value: '🐳 ship it', stored: '🐳 ship it' },
  { key: 'lp.hash', value: '#1', stored: '#1' },
  { key: 'lp.empty', value: '', stored: undefined },
  { key: 'lp.backslash', value: '\\', stored: undefined },
  { key: 'lp.key with=odd,chars', value: 'v', stored: 'v' },
  { key: 'lp.dup', value: 'kept', stored: 'kept' },
  { key: 'lp.dup\\', value: 'its key is stored as lp.dup, taken', stored: undefined },
  { key: 'time', value: 'the key InfluxDB 1.x refuses', stored: 'the key InfluxDB 1.x refuses', storedKey: 'tag_time' },
  {
    key: '__name__',
    value: 'VictoriaMetrics’ metric name',
    stored: 'VictoriaMetrics’ metric name',
    storedKey: 'tag___name__',
  },
];

// Control characters as the README shows them.
const shown = (s: string): string => s.replaceAll('\n', '␊').replaceAll('\r', '␍').replaceAll('\t', '␉');
const code = (s: string): string => (s === '' ? '(empty)' : `\`${shown(s)}\``);

/** The row of the README's table for one label. */
export const readmeRow = (l: HostileLabel): string =>
  `| ${code(l.key)} | ${code(l.value)} | ${l.stored === undefined ? 'no tag' : code(l.stored)}${l.storedKey ? ` (key ${code(l.storedKey)})` : ''} |`;
