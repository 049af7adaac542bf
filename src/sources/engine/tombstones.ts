/**
 * The ids of containers destroyed lately, each kept `keepMs` and at most `max` of them (the
 * oldest go first): an inspect answer or listing that comes after a container's `destroy` must
 * not bring it back, and a host that runs containers for ever must not grow this for ever.
 */
export class Tombstones {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly keepMs: number,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.until.size;
  }

  has(id: string): boolean {
    return this.until.has(id);
  }

  /** When `id` was marked (ms), if it is kept. */
  since(id: string): number | undefined {
    const until = this.until.get(id);
    return until === undefined ? undefined : until - this.keepMs;
  }

  /** Marks `id` destroyed at `nowMs`; a Map keeps insertion order, so the first key is the oldest. */
  add(id: string, nowMs: number): void {
    this.until.delete(id);
    this.until.set(id, nowMs + this.keepMs);
    if (this.until.size > this.max) this.until.delete(this.until.keys().next().value!);
  }

  /** Forgets the ones kept long enough. */
  prune(nowMs: number): void {
    for (const [id, until] of this.until) {
      if (until > nowMs) break;
      this.until.delete(id);
    }
  }
}
