import { OWN_TAG_KEYS } from '../model/container.js';
import type { FieldValue, Point } from '../model/point.js';
import type { ContainerRow } from './containerRow.js';

/** A counter's last value and when (s), for its rate. */
export interface Counter {
  readonly value: number;
  readonly at: number;
  readonly perSec?: number;
}

/** One container as it is being folded: mutable, owned by one `containerRows` subscription. */
export interface RowEntry {
  /** The latest values, written in place: `rowOf` copies them into each emitted row. */
  readonly row: Record<string, unknown> & Pick<ContainerRow, 'key' | 'host' | 'id' | 'name' | 'image' | 'labels'>;
  /** The latest stats sample's usage (CPU %, memory, pids), shown while it is recent. */
  readonly usage: Record<string, unknown>;
  readonly counters: Map<string, Counter>;
  /** Each interface and device by name, with the time (s) of the last sample it was in. */
  readonly interfaces: Map<string, { at: number; errors?: number; dropped?: number }>;
  readonly devices: Map<string, number>;
  /** The time (s) of the last stats sample: an interface or device not in it is gone. */
  sampledAt: number;
  /** Refreshes since its last point: a container that sends nothing for a while is gone. */
  idle: number;
  /** Refreshes since its last stats point: a container whose stats ended (it stopped) has no usage. */
  statsIdle: number;
}

/**
 * Refreshes without a point after which a container is gone from the view (removed, or out of
 * the filters); without a stats point, after which its usage and rates are (it stopped).
 */
export const GONE_AFTER_REFRESHES = 3;

/** A field's number, if it is one. */
export const num = (value: FieldValue | undefined): number | undefined =>
  value === undefined || typeof value === 'string' || typeof value === 'boolean' ? undefined : Number(value);

/** Records a counter's new value; its rate is the difference over the points' time, unless it went back. */
export function count(entry: RowEntry, key: string, value: FieldValue | undefined, at: number): void {
  const n = num(value);
  if (n === undefined) return;
  const before = entry.counters.get(key);
  const seconds = before ? at - before.at : 0;
  if (before && seconds <= 0) return; // the same sample again
  const perSec = before && n >= before.value ? (n - before.value) / seconds : undefined;
  entry.counters.set(key, perSec === undefined ? { value: n, at } : { value: n, at, perSec });
}

/** A container's entry from its first point: its identity and labels from the tags. */
export function newEntry(point: Point, key: string): RowEntry {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(point.tags)) if (!OWN_TAG_KEYS.has(k)) labels[k] = v;
  const { tags } = point;
  return {
    row: {
      key,
      host: tags.host ?? '',
      id: tags.container_id ?? '',
      name: tags.container_name ?? '',
      image: tags.image ?? '',
      labels,
    },
    usage: {},
    counters: new Map(),
    interfaces: new Map(),
    devices: new Map(),
    sampledAt: -Infinity,
    idle: 0,
    statsIdle: 0,
  };
}

const STATS = new Set(['cpu', 'memory', 'network', 'blockio']);

/**
 * A new stats sample (its points share one time) ends the last: the interfaces and devices that
 * were not in it are gone (a network disconnected), with their counters, so that one coming
 * back under the same name starts a fresh counter instead of a rate against the old one.
 */
function newSample(entry: RowEntry, at: number): void {
  if (at <= entry.sampledAt) return;
  const gone = (seenAt: number): boolean => seenAt < entry.sampledAt;
  const forget = (name: string, kinds: readonly string[]): void => {
    for (const kind of kinds) entry.counters.delete(`${kind}:${name}`);
  };
  for (const [name, seen] of entry.interfaces) {
    if (!gone(seen.at)) continue;
    entry.interfaces.delete(name);
    forget(name, ['rx', 'tx']);
  }
  for (const [name, seenAt] of entry.devices) {
    if (!gone(seenAt)) continue;
    entry.devices.delete(name);
    forget(name, ['read', 'write']);
  }
  entry.sampledAt = at;
}

/** Its usage, counters, interfaces and devices, gone: none of them is current. */
function forgetStats(entry: RowEntry): void {
  for (const key of Object.keys(entry.usage)) delete entry.usage[key];
  entry.counters.clear();
  entry.interfaces.clear();
  entry.devices.clear();
}

/**
 * Notes a point of a stats sample (`cpu`, `memory`, `network`, `blockio`): its stats are
 * current again, and a new sample ends the last. Stats that come again after they had ended
 * (a restart) start afresh: nothing of before them is shown again.
 */
export function noteSample(entry: RowEntry, measurement: string, at: number): void {
  if (!STATS.has(measurement)) return;
  if (entry.statsIdle >= GONE_AFTER_REFRESHES) forgetStats(entry);
  newSample(entry, at);
  entry.statsIdle = 0;
}
