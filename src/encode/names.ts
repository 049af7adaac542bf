/** A name (measurement, tag key or value, field key) as written in a line. */
export type Rewrite = (name: string) => string;

/**
 * The rewrite of one kind of name, for the line protocol's two readers, InfluxDB's
 * (models/points.go) and VictoriaMetrics' (lib/protoparser/influx), to store the same text:
 *
 * - the characters `escaped` matches (comma and space; also `=` in keys and tag values) get a
 *   backslash, which both readers remove;
 * - a newline or carriage return becomes `\n` or `\r` (two characters, kept as such by both);
 * - a run of backslashes becomes one backslash, left out where the name ends or `,` ` ` `=` `"`
 *   follow: InfluxDB reads every backslash as written and takes any character after one as
 *   escaped, so a trailing one escapes the separator; VictoriaMetrics reads `\\` as one and
 *   escapes by the parity of the run. A lone backslash before any other character is the only
 *   form both store as written (`C:\data`);
 * - with `leading`, tabs and NULs at the start are left out, as InfluxDB skips them there.
 *
 * `needs` is a quick test for the common name that is written as it is.
 */
export function nameRewriter(needs: RegExp, escaped: RegExp, leading: boolean): Rewrite {
  const all = new RegExp(
    `${leading ? '^[\\t\\0]+|' : ''}\\\\*[\\n\\r]|(\\\\+)(?=[,= "]|$)|\\\\+|${escaped.source}`,
    'g',
  );
  return (name) => (needs.test(name) ? name.replace(all, replacement) : name);
}

function replacement(match: string, dropped: string | undefined): string {
  if (dropped !== undefined) return '';
  switch (match[match.length - 1]) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\\':
      return '\\';
    case '\t':
    case '\0':
      return ''; // leading
    default:
      return `\\${match}`;
  }
}

/**
 * Renames a key a database gives a meaning of its own, as written (after its rewrite): `time`
 * (InfluxDB 1.x refuses the point), `_measurement` and `_field` (InfluxDB 2.x), and for tags
 * `__name__` (VictoriaMetrics' metric name, which replaces the tag): `prefix` goes before it.
 */
export function reservedRenamer(reserved: ReadonlySet<string>, prefix: string, rewrite: Rewrite): Rewrite {
  return (key) => {
    const name = rewrite(key);
    return reserved.has(name) ? `${prefix}${name}` : name;
  };
}
