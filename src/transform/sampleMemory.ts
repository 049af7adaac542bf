import type { ContainerRef } from '../model/container.js';
import { containerTagger } from './containerTags.js';
import type { PreviousSample } from './cpu.js';

export interface ContainerEntry {
  previous: PreviousSample | undefined;
  readonly name: string;
  /** The container's tag set, and one per interface or device: the same objects every record. */
  readonly tags: Readonly<Record<string, string>>;
  readonly extraTags: Map<string, Readonly<Record<string, string>>>;
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
      entry = { previous: entry?.previous, name: container.name, tags, extraTags: new Map() };
      this.containers.set(container.id, entry);
    }
    return entry;
  }

  /** The previous sample of the container, replaced by `next`. */
  swap(entry: ContainerEntry, next: PreviousSample): PreviousSample | undefined {
    const previous = entry.previous;
    entry.previous = next;
    if (++this.sinceSweep >= 4096) this.sweep(next.read.seconds);
    return previous;
  }

  private sweep(nowSeconds: number): void {
    this.sinceSweep = 0;
    const oldest = nowSeconds - this.forgetAfterMs / 1000;
    for (const [id, entry] of this.containers)
      if (!entry.previous || entry.previous.read.seconds < oldest) this.containers.delete(id);
  }
}

/** The tags of a container's points with one more (interface, device): the same object every record. */
export function tagsWith(entry: ContainerEntry, key: string, value: string): Readonly<Record<string, string>> {
  const id = `${key}=${value}`;
  let tags = entry.extraTags.get(id);
  if (!tags) entry.extraTags.set(id, (tags = { ...entry.tags, [key]: value }));
  return tags;
}
