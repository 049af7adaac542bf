/**
 * The size a kept buffer (or typed array) should have: one batch far larger than the rest (a
 * backlog's, up to MAX_BATCH_SIZE points) grows it, and without this it would stay that large
 * for the life of the process. Every `window` uses, if the largest of them needed under a
 * quarter of the capacity, a new size of twice that largest (at least `least`) is told.
 */
export class KeptSize {
  private most = 0;
  private uses = 0;

  constructor(
    private readonly least: number,
    private readonly window = 64,
  ) {}

  /** Records a use of `n` units; the smaller size to take now, or undefined to keep the capacity. */
  use(n: number, capacity: number): number | undefined {
    this.most = Math.max(this.most, n);
    if (++this.uses < this.window) return undefined;
    const size = Math.max(this.least, 2 * this.most);
    const shrink = capacity > 4 * this.most && size < capacity;
    this.uses = 0;
    this.most = 0;
    return shrink ? size : undefined;
  }
}
