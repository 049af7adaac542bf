/**
 * Prometheus's names for our points. A metric is `<measurement>_<field>` (`cpu_usage_percent`,
 * `memory_usage_bytes`): the name VictoriaMetrics gives a line-protocol field (its
 * `{measurement}_{field}`, separator `_`), so that a dashboard made on what VictoriaMetrics
 * stored from the line protocol reads the same series from remote write.
 */

import { OWN_TAG_KEYS } from '../model/container.js';

const INVALID_NAME = /[^a-zA-Z0-9_]/g;

/** A name Prometheus takes, [a-zA-Z_][a-zA-Z0-9_]*: others as `_`, a leading digit behind a `_`. */
export function promName(name: string): string {
  const clean = name.replace(INVALID_NAME, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

/** A surrogate without its other half: protobufjs would write it as bytes that are no UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The metric name of a point's field. */
export const metricName = (measurement: string, field: string): string => promName(`${measurement}_${field}`);

/**
 * A tag set as labels: names sanitized, sorted, flattened (name, value, ...). A tag whose name or
 * value is empty is left out (Prometheus reads an empty label as none), and so is one whose
 * name starts with `__` (reserved: `__name__` is the metric's); two tags that sanitize to the
 * same name keep the collector's own tag (`OWN_TAG_KEYS`), else the first in the sorted order of
 * their own names, so that the choice is stable.
 * A lone surrogate in a value becomes U+FFFD, as Node's own UTF-8 does: a receiver that checks
 * UTF-8 rejects the whole batch otherwise.
 */
export function promLabels(tags: Readonly<Record<string, string>>): string[] {
  const byName = new Map<string, string>();
  // The point's own tags first: a label's key that sanitizes to one of them (`container.id`)
  // never takes its name, which would make every container with that label value one series.
  const keys = Object.keys(tags).sort();
  for (const key of [...keys.filter((k) => OWN_TAG_KEYS.has(k)), ...keys.filter((k) => !OWN_TAG_KEYS.has(k))]) {
    const value = tags[key]!;
    const name = promName(key);
    if (key === '' || value === '' || name.startsWith('__') || byName.has(name)) continue;
    byName.set(name, value.replace(LONE_SURROGATE, '\uFFFD'));
  }
  return [...byName.keys()].sort().flatMap((name) => [name, byName.get(name)!]);
}
