import type { EngineEvent } from './engineCodecs.js';

/** Events this close (ns) to the last one seen are remembered: an engine asked `since` it sends them again. */
const WINDOW_NS = 1_000_000;
/** `since` is asked this much (ns) before the last event: its time, read as a JSON number, is rounded. */
const MARGIN_NS = 1_000;

/**
 * The last events seen of an engine, to ask its /events again from the last one's time after a
 * reconnect (`since=`, so that the events of the gap are not lost) and to drop those it sends
 * again. Events come in order: the ones sent again are those from the last one's time on.
 */
export class SeenEvents {
  private last: number | undefined;
  private readonly recent = new Map<string, number>();

  /** Whether the event is new (one without a time always is); it is seen from now on. */
  first(event: EngineEvent): boolean {
    const t = event.timeNano;
    if (t === undefined) return true;
    const key = `${event.Actor.ID} ${event.Action} ${t}`;
    if (this.recent.has(key)) return false;
    this.recent.set(key, t);
    if (this.last === undefined || t > this.last) {
      this.last = t;
      for (const [k, at] of this.recent) if (at < t - WINDOW_NS) this.recent.delete(k);
    }
    return true;
  }

  /** The Engine API's `since` (`seconds.nanoseconds`) for the events after the last one seen, if any was. */
  since(): string | undefined {
    if (this.last === undefined) return undefined;
    const t = this.last - MARGIN_NS;
    return `${Math.floor(t / 1e9)}.${String(t % 1e9).padStart(9, '0')}`;
  }
}
