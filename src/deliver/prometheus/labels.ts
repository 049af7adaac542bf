import { OWN_TAG_KEYS } from '../../model/container.js';

/**
 * A label value in the Prometheus text format: `\` `"` and a newline escaped, nothing else
 * (exposition_formats.md). A carriage return stays as it is, which the parser accepts.
 */
export const escapeLabelValue = (value: string): string =>
  /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;

/** HELP text: `\` and a newline escaped. */
export const escapeHelp = (help: string): string => help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** A label key as cAdvisor writes it: `container_label_` and the key with every non-alphanumeric as `_`. */
export const labelKey = (key: string): string => `container_label_${key.replace(/[^a-zA-Z0-9]/g, '_')}`;

/** Kubernetes' labels on a pod's containers, as cAdvisor's `container`, `pod` and `namespace`. */
const KUBERNETES: ReadonlyArray<readonly [string, string]> = [
  ['io.kubernetes.container.name', 'container'],
  ['io.kubernetes.pod.name', 'pod'],
  ['io.kubernetes.pod.namespace', 'namespace'],
];

/** Our compose tags, as the labels they came from (cAdvisor shows every label; we show these two and TAG_LABELS'). */
const COMPOSE: ReadonlyArray<readonly [string, string]> = [
  ['compose_project', 'com.docker.compose.project'],
  ['compose_service', 'com.docker.compose.service'],
];

/**
 * A container's label block, cAdvisor's scheme, without the braces: `id` (`/docker/<full id>`),
 * `image`, `name`, `container_label_<key>` for the labels its points carry (TAG_LABELS' choice,
 * and Compose's two: only this container's own, never a union of every container's keys), and
 * `container`, `pod`, `namespace` where Kubernetes' labels are among them. Keys sorted; a label
 * whose key becomes one already taken is left out.
 */
export function labelBlock(tags: Readonly<Record<string, string>>): string {
  const pairs = new Map<string, string>();
  pairs.set('id', `/docker/${tags.container_id ?? ''}`);
  if (tags.image) pairs.set('image', tags.image);
  if (tags.container_name) pairs.set('name', tags.container_name);
  for (const [tag, label] of COMPOSE) {
    const value = tags[tag];
    if (value) pairs.set(labelKey(label), value);
  }
  const labels = Object.keys(tags)
    .filter((key) => !OWN_TAG_KEYS.has(key))
    .sort();
  for (const key of labels) {
    const name = labelKey(key);
    if (!pairs.has(name) && tags[key] !== '') pairs.set(name, tags[key]!);
  }
  for (const [label, name] of KUBERNETES) {
    const value = tags[label];
    if (value && !pairs.has(name)) pairs.set(name, value);
  }
  return [...pairs.keys()]
    .sort()
    .map((key) => `${key}="${escapeLabelValue(pairs.get(key)!)}"`)
    .join(',');
}
