import type { ContainerStatus, RemovalRecord, StatusRecord } from '../../model/lifecycle.js';
import type { Instant } from '../../model/timestamp.js';
import type { EngineEvent, InspectedContainer, ListedContainer } from './engineCodecs.js';
import { SeenEvents } from './seenEvents.js';
import { Tombstones } from './tombstones.js';

/** How long, and how many, destroyed containers' ids are kept to turn late answers away. */
export const TOMBSTONE_KEEP_MS = 10 * 60_000;
export const TOMBSTONES_MAX = 10_000;

/**
 * A known container: its status, the sequence number of the last input applied to it, and that
 * of the last one that said its state (an event that carries one, or an inspect); `told`, the
 * time of the latest status written for it (an interval's, a re-listing's, an event's), set in
 * place by each interval: an event the engine sent before it but that was read after it is
 * stamped after it.
 */
export interface Known {
  readonly status: ContainerStatus;
  readonly seq: number;
  readonly stateSeq: number;
  told?: Instant | undefined;
}

/**
 * What the lifecycle knows of one engine's containers. It outlives the engine's sessions (a
 * reconnect re-lists, and what changed meanwhile is written), so it is the subscription's,
 * and it is changed in place: a copy per event would cost O(containers).
 */
export interface LifecycleBook {
  readonly known: Map<string, Known>;
  readonly tombstones: Tombstones;
  /** Whether a listing was applied: the next ones are re-listings, whose changes are written. */
  listed: boolean;
  /** The last sequence number given: each listing's container and each event gets the next. */
  seq: number;
  /**
   * Each container's event works not yet answered, in order: a session that ends (a reconnect)
   * drops their inspects, and the next session makes them again, so that no event's status is lost.
   */
  readonly pending: Map<string, EventWork[]>;
  /** The last events, to ask the engine for those of a reconnect's gap and drop those sent twice. */
  readonly seen: SeenEvents;
  /**
   * Known containers a catch-up listing did not show, with its time: written gone at the next
   * interval unless their `destroy` comes first (it may be among the events read after it).
   */
  readonly missing: Map<string, Instant>;
}

export const newLifecycleBook = (): LifecycleBook => ({
  known: new Map(),
  tombstones: new Tombstones(TOMBSTONE_KEEP_MS, TOMBSTONES_MAX),
  listed: false,
  seq: 0,
  pending: new Map(),
  seen: new SeenEvents(),
  missing: new Map(),
});

/** The event works a new session must make again, each container's in order. */
export const carriedWork = (book: LifecycleBook): EventWork[] => [...book.pending.values()].flat();

/** An inspect to make for one container, in the order of its inputs; settled by its `Inspection`. */
export type ContainerWork =
  /** A container of a listing: what it is now; a re-listing's changes are written. */
  | {
      readonly kind: 'listed';
      readonly id: string;
      readonly seq: number;
      readonly listed: ListedContainer;
      readonly relisting: boolean;
      /** Of a catch-up listing (`relistWhenBehind`): a change is stamped at the engine's own time of it. */
      readonly catchUp?: boolean;
    }
  | EventWork;

/**
 * An event, and the status it leaves (written, with the inspect's details, at the event's time);
 * `stateFromInspect` when the event carries no state and the container was not known: its
 * inspect says it.
 */
export interface EventWork {
  readonly kind: 'event';
  readonly id: string;
  readonly seq: number;
  readonly event: EngineEvent;
  readonly at: Instant;
  /** Where the status is told again: after an interval's status told before the event was read. */
  readonly retold?: Instant | undefined;
  readonly status: ContainerStatus;
  readonly stateFromInspect: boolean;
}

/** A work's inspect answer: `gone` on 404, `failed` when the engine did not answer after its retries. */
export interface Inspection {
  readonly kind: 'inspection';
  readonly work: ContainerWork;
  readonly answer: InspectedContainer | 'gone' | 'failed';
  readonly at: Instant;
}

/** What the lifecycle state machine is fed. */
export type LifecycleInput =
  /**
   * The engine's containers, all of them (`all: true`), at a session's start; `catchUp` for a
   * later one of the same session (its events came late, some may be lost).
   */
  | {
      readonly kind: 'listing';
      readonly containers: readonly ListedContainer[];
      readonly at: Instant;
      readonly catchUp?: boolean;
    }
  | { readonly kind: 'event'; readonly event: EngineEvent; readonly at: Instant }
  | Inspection
  /** The sampling interval: every known container whose state the filters include. */
  | { readonly kind: 'tick'; readonly at: Instant };

/** What one input gives: statuses to write now, and inspects to make. */
export interface LifecycleStep {
  readonly out: StatusRecord[];
  readonly work: ContainerWork[];
  /** Watched containers that went away with this input (told only to those who ask: alerting). */
  readonly removed?: RemovalRecord[];
}
