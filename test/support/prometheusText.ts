import { FAMILIES, type Family } from '../../src/deliver/prometheus/families.js';
import { escapeHelp, escapeLabelValue } from '../../src/deliver/prometheus/labels.js';
import type { ContainerLatest } from '../../src/deliver/prometheus/latestSeries.js';
import { formatValue } from '../../src/deliver/prometheus/render.js';

/** One family's series, `''` when no container has it (then no HELP or TYPE either). */
function familySeries(family: Family, containers: readonly ContainerLatest[]): string {
  let body = '';
  const { name, extra, value, each, field } = family;
  for (const c of containers) {
    if (value) {
      const n = value(c);
      if (n === undefined) continue;
      const labels = extra ? `${c.labels},${extra}` : c.labels;
      body += `${name}{${labels}} ${formatValue(n)}\n`;
    } else if (each && field) {
      for (const [key, fields] of each.of(c)) {
        const n = field(fields);
        if (n !== undefined)
          body += `${name}{${c.labels},${each.label}="${escapeLabelValue(key)}"} ${formatValue(n)}\n`;
      }
    }
  }
  return body;
}

/**
 * The exposition written the straightforward way, by concatenating strings (what `renderContainers`
 * did before it wrote bytes): the reference its bytes are compared with.
 */
export function renderContainersText(containers: Iterable<ContainerLatest>): string {
  const all = [...containers];
  let text = '';
  for (const family of FAMILIES) {
    const body = familySeries(family, all);
    if (body !== '')
      text += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n${body}`;
  }
  return text;
}
