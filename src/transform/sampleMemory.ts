import type { ContainerRef } from '../model/container.js';
import type { PreviousCpu } from '../model/containerSample.js';
import { containerTagger } from './containerTags.js';

export interface ContainerEntry {
  previous: PreviousCpu | undefined;
  /** When its last sample was taken, in seconds since the epoch. */
  lastSeconds: number;
  readonly name: string;
  /** The container's tag set, and one per interface or device: the same objects every record. */
  readonly tags: Readonly<Record<string, string>>;
  /** By the extra tag's key, then its value. */
  readonly extraTags: Map<string, Map<string, Readonly<Record<string, string>>>>;
}

/**
 * What toPoints keeps per container: the previous sample (the CPU base when the engine sends
 * none: a stream's first record, every one-shot record) and the tag objects its points share,
 * so that the line-protocol serializer escapes each tag set once. Containers that stopped
 * sending are forgotten after `forgetAfterMs`, so container churn does not grow it for ever.
 */
export class SampleMemory {
  private readonly containers = new Map<string, ContainerEntry>();
  private sinceSweep = 0;
  constructor(
    private readonly forgetAfterMs = 10 * 60_000,
    private readonly extraTags: Readonly<Record<string, string>> = {},
    private readonly tagsOf: (container: ContainerRef) => Record<string, string> = containerTagger(),
  ) {}

  get size(): number {
    return this.containers.size;
  }

  /** The entry of a container, made anew when it is new or was renamed. */
  entry(container: ContainerRef): ContainerEntry {
    let entry = this.containers.get(container.id);
    if (!entry || entry.name !== container.name) {
      const tags = { ...this.extraTags, ...this.tagsOf(container) };
      const lastSeconds = entry?.lastSeconds ?? 0;
      entry = { previous: entry?.previous, lastSeconds, name: container.name, tags, extraTags: new Map() };
      this.containers.set(container.id, entry);
    }
    return entry;
  }

  /** The previous CPU sample of the container, replaced by `next` (none when this one had none), taken at `seconds`. */
  swap(entry: ContainerEntry, next: PreviousCpu | undefined, seconds: number): PreviousCpu | undefined {
    const previous = entry.previous;
    entry.previous = next;
    entry.lastSeconds = seconds;
    if (++this.sinceSweep >= 4096) this.sweep(seconds);
    return previous;
  }

  private sweep(nowSeconds: number): void {
    this.sinceSweep = 0;
    const oldest = nowSeconds - this.forgetAfterMs / 1000;
    for (const [id, entry] of this.containers) if (entry.lastSeconds < oldest) this.containers.delete(id);
  }
}

/** Tag objects kept per container and extra key (interface, device): far more than a container has at once. */
const MAX_TAG_OBJECTS = 1024;

/** The tags of a container's points with one more (interface, device): the same object every record. */
export function tagsWith(entry: ContainerEntry, key: string, value: string): Readonly<Record<string, string>> {
  // Two lookups rather than one by `key=value`: no string made per point to find the object.
  let byValue = entry.extraTags.get(key);
  if (!byValue) entry.extraTags.set(key, (byValue = new Map()));
  let tags = byValue.get(value);
  if (!tags) {
    // Names come and go in a long-lived container (a veth per inner container of a DinD or kind
    // node): past the bound the objects are made anew, once each, rather than kept for ever.
    if (byValue.size >= MAX_TAG_OBJECTS) byValue.clear();
    byValue.set(value, (tags = { ...entry.tags, [key]: value }));
  }
  return tags;
}
