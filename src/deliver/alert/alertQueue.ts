import { type AlertNotice, alertKey } from '../../model/alert.js';

/** A notice's alert episode: a rule on a container since a time (a new episode is a new alert). */
const episode = (n: AlertNotice): string => `${alertKey(n.rule, n.container.id)}\u0000${n.startsAt}`;

/**
 * The notices waiting for their receiver, oldest first, at most `max`. A notice replaces the
 * one of the same episode still waiting, in its place (a receiver wants the latest state: the
 * resolved notice of an alert whose firing notice was never sent says it all). When full, the
 * oldest *firing* notice goes first: a lost resolved notice leaves a person (or Alertmanager,
 * until its resolve_timeout) believing something is broken, and a condition that still holds
 * fires again at its repeat interval. Only a queue of resolved notices drops a resolved one.
 */
export class AlertQueue {
  private readonly waiting = new Map<string, AlertNotice>();
  constructor(readonly max: number) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Adds the notices; returns how many had to be dropped to keep within `max`. */
  push(notices: readonly AlertNotice[]): number {
    let dropped = 0;
    for (const notice of notices) {
      const key = episode(notice);
      // A resolved notice ends its episode: a firing one of it after that (a saved outbox out
      // of order) would leave the receiver showing it firing for good.
      if (notice.status === 'firing' && this.waiting.get(key)?.status === 'resolved') continue;
      this.waiting.set(key, notice);
      if (this.waiting.size > this.max) {
        this.evict();
        dropped++;
      }
    }
    return dropped;
  }

  /** Every notice waiting, oldest first (what a stop leaves for the next start). */
  all(): AlertNotice[] {
    return [...this.waiting.values()];
  }

  /** The oldest `count` notices, left in the queue until `settle`. */
  peek(count: number): AlertNotice[] {
    const taken: AlertNotice[] = [];
    for (const notice of this.waiting.values()) {
      if (taken.length >= count) break;
      taken.push(notice);
    }
    return taken;
  }

  /**
   * The notices sent (or given up) leave the queue; one replaced by a newer notice of its
   * episode while it was being sent is not among them, and the newer one stays to be sent.
   */
  settle(notices: readonly AlertNotice[]): void {
    for (const notice of notices) {
      const key = episode(notice);
      if (this.waiting.get(key) === notice) this.waiting.delete(key);
    }
  }

  private evict(): void {
    let victim: string | undefined;
    for (const [key, notice] of this.waiting)
      if (notice.status === 'firing') {
        victim = key;
        break;
      }
    victim ??= this.waiting.keys().next().value;
    if (victim !== undefined) this.waiting.delete(victim);
  }
}
