import { FAMILIES, type Family } from './families.js';
import { escapeHelp, escapeLabelValue } from './labels.js';
import type { ContainerLatest } from './latestSeries.js';

/** A sample value as the text format writes it (Go's ParseFloat reads JavaScript's numbers, but not `Infinity`). */
const formatValue = (n: number): string =>
  Number.isFinite(n) ? String(n) : Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';

/** The container's label block, rendered when its tags came (`LatestSeries`). */
const labelsOf = (c: ContainerLatest): string => c.labels;

/** One family's series, `''` when no container has it (then no HELP or TYPE either). */
function familySeries(family: Family, containers: readonly ContainerLatest[]): string {
  let body = '';
  const { name, extra, value, each, field } = family;
  for (const c of containers) {
    if (value) {
      const n = value(c);
      if (n === undefined) continue;
      const labels = extra ? `${labelsOf(c)},${extra}` : labelsOf(c);
      body += `${name}{${labels}} ${formatValue(n)}\n`;
    } else if (each && field) {
      for (const [key, fields] of each.of(c)) {
        const n = field(fields);
        if (n !== undefined)
          body += `${name}{${labelsOf(c)},${each.label}="${escapeLabelValue(key)}"} ${formatValue(n)}\n`;
      }
    }
  }
  return body;
}

/**
 * The containers' series in the Prometheus text format (0.0.4), family by family (all of a
 * family's lines together, as the format asks), with HELP and TYPE; no timestamps (Prometheus
 * stamps a scrape itself, and marks a series stale once a scrape lacks it).
 *
 * Written here rather than through prom-client: at 10,000 containers that is ~300,000 labelled
 * series, and prom-client keeps each as an object in a hash keyed by its sorted labels, rebuilt on
 * every `set` and rendered by sorting and escaping every label at every scrape; here the label
 * block of a container is escaped once, when its tags come, and the text is a string concatenation (test
 * `prometheusRender.test.ts` prints the time of 10,000 containers).
 */
export function renderContainers(containers: Iterable<ContainerLatest>): string {
  const all = [...containers];
  let text = '';
  for (const family of FAMILIES) {
    const body = familySeries(family, all);
    if (body !== '')
      text += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n${body}`;
  }
  return text;
}
