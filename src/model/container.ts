/** Who a stats record belongs to: the identity every point of the container is tagged with. */
export interface ContainerRef {
  /** The full 64-hex id. */
  readonly id: string;
  /** Without the engine's leading slash. */
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The collector's own tag keys: `host` (the engine's), the container's, and one per interface or
 * device. A label never takes one of them (TAG_LABELS); every other tag of a point is a label.
 */
export const OWN_TAG_KEYS: ReadonlySet<string> = new Set([
  'host',
  'container_id',
  'container_name',
  'image',
  'compose_project',
  'compose_service',
  'interface',
  'device',
]);
