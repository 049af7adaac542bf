import picomatch from 'picomatch';
import { type ContainerRef, OWN_TAG_KEYS } from '../model/container.js';

export interface TagOptions {
  /** Globs of label keys copied as tags (TAG_LABELS); default none: no surprise cardinality. */
  readonly tagLabels?: readonly string[];
  /** Globs of label keys left out even when `tagLabels` matches (TAG_LABELS_EXCLUDE). */
  readonly tagLabelsExclude?: readonly string[];
  /** The `image` tag (IMAGE_TAG); default on. */
  readonly imageTag?: boolean;
  /**
   * The `compose_project` and `compose_service` tags from Compose's labels (COMPOSE_TAGS, which
   * the daemon turns on by default); default off here, so that a tagger made without options
   * tags as it always did.
   */
  readonly composeTags?: boolean;
}

/** The labels Docker Compose (v1 and v2) and `docker stack` put on a service's containers, and their tags. */
const COMPOSE_LABELS = [
  ['com.docker.compose.project', 'compose_project'],
  ['com.docker.compose.service', 'compose_service'],
] as const;

/** The image as the engine names it, without a digest (`busybox@sha256:...` -> `busybox`); an image id stays whole. */
export const imageName = (image: string): string => {
  const at = image.indexOf('@');
  return at > 0 ? image.slice(0, at) : image;
};

/**
 * The tags every point of a container carries besides the engine's `host`: `container_id`,
 * `container_name`, `image`, `compose_project` and `compose_service` (with `composeTags`, where
 * the container has Compose's labels: a stack grouped without TAG_LABELS, at no cost in series,
 * as each container is its own series already), and the labels that the globs choose, under
 * their own keys. A label cannot replace one of the collector's own tags (a label named `host`
 * or `compose_service` is left out).
 */
export function containerTagger(options: TagOptions = {}): (container: ContainerRef) => Record<string, string> {
  const include =
    options.tagLabels && options.tagLabels.length > 0 ? picomatch([...options.tagLabels], { dot: true }) : undefined;
  const exclude =
    options.tagLabelsExclude && options.tagLabelsExclude.length > 0
      ? picomatch([...options.tagLabelsExclude], { dot: true })
      : () => false;
  const imageTag = options.imageTag !== false;
  const composeTags = options.composeTags === true;
  return (container) => {
    const tags: Record<string, string> = {};
    if (include)
      for (const [key, value] of Object.entries(container.labels))
        if (include(key) && !exclude(key) && !OWN_TAG_KEYS.has(key) && key !== '' && value !== '') tags[key] = value;
    if (composeTags)
      for (const [label, tag] of COMPOSE_LABELS) {
        const value = container.labels[label];
        if (value !== undefined && value !== '') tags[tag] = value;
      }
    if (imageTag && container.image !== '') tags.image = imageName(container.image);
    tags.container_id = container.id;
    tags.container_name = container.name;
    return tags;
  };
}
