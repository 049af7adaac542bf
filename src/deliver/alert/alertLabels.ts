import type { AlertNotice } from '../../model/alert.js';
import type { ContainerRef } from '../../model/container.js';
import { labelName, oneLine } from './alertText.js';

/** A container's tags, as its points carry them: the app passes its own tagger (TAG_LABELS, COMPOSE_TAGS). */
export type TagsOf = (container: ContainerRef) => Readonly<Record<string, string>>;

/** Compose's labels and the tags they become, as the points' tagger names them. */
const COMPOSE = [
  ['com.docker.compose.project', 'compose_project'],
  ['com.docker.compose.service', 'compose_service'],
] as const;

/**
 * The tags when the app gives no tagger: the container's id, name and image, and its Compose
 * project and service. Delivery cannot import the transform's tagger (imports point down the
 * pipeline), so the app injects it to get TAG_LABELS as well.
 */
export const defaultTags: TagsOf = (container) => {
  const tags: Record<string, string> = {};
  for (const [label, tag] of COMPOSE) {
    const value = container.labels[label];
    if (value) tags[tag] = value;
  }
  return { ...tags, container_id: container.id, container_name: container.name, image: container.image };
};

/**
 * An alert's labels, its identity in Alertmanager: `alertname` (the rule), `severity`, `host`,
 * then the container's tags. Names are made valid ([a-zA-Z_][a-zA-Z0-9_]*); the first of two
 * names that sanitize alike wins, ours first, so that no tag replaces `alertname`. Empty values
 * are left out (Alertmanager reads an empty label as none).
 */
export function alertLabels(notice: AlertNotice, tagsOf: TagsOf = defaultTags): Record<string, string> {
  const labels: Record<string, string> = {};
  const put = (name: string, value: string | undefined): void => {
    const clean = labelName(name);
    if (value === undefined || value === '' || clean in labels) return;
    labels[clean] = value;
  };
  put('alertname', notice.rule);
  put('severity', notice.severity);
  put('host', notice.host);
  const tags = tagsOf(notice.container);
  for (const name of Object.keys(tags).sort()) put(name, tags[name]);
  return labels;
}

/** An alert's annotations: `summary` (one line), `description` (where and what), and `value` when there is one. */
export function alertAnnotations(notice: AlertNotice): Record<string, string> {
  const { container } = notice;
  const summary = oneLine(notice.summary);
  const where = `container ${oneLine(container.name)} (image ${oneLine(container.image)}, id ${container.id.slice(0, 12)})`;
  const host = notice.host ? ` on ${oneLine(notice.host)}` : '';
  return {
    summary,
    description: `${summary}: ${where}${host}`,
    ...(notice.value !== undefined ? { value: String(notice.value) } : {}),
  };
}
