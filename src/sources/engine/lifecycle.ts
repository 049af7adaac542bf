import type { ContainerStatus, StatusRecord } from '../../model/lifecycle.js';
import type { Instant } from '../../model/timestamp.js';
import {
  changedState,
  goneStatus,
  statusAfterEvent,
  statusFromInspect,
  statusFromListing,
  withDetails,
} from './containerStatus.js';
import { fromEvent } from './discovery.js';
import { type EngineEvent, type InspectedContainer, type ListedContainer, stripSlash } from './engineCodecs.js';
import { type ContainerFilters, containerMatcher } from './filters.js';
import { Tombstones } from './tombstones.js';

/** The events that change what a `container` point says. */
export const LIFECYCLE_ACTIONS = [
  'create',
  'start',
  'restart',
  'die',
  'oom',
  'health_status',
  'pause',
  'unpause',
  'update',
  'rename',
  'destroy',
];

/** How long, and how many, destroyed containers' ids are kept to turn late answers away. */
export const TOMBSTONE_KEEP_MS = 10 * 60_000;
export const TOMBSTONES_MAX = 10_000;

/** A known container: its status and the sequence number of the last input applied to it. */
export interface Known {
  readonly status: ContainerStatus;
  readonly seq: number;
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
}

export const newLifecycleBook = (): LifecycleBook => ({
  known: new Map(),
  tombstones: new Tombstones(TOMBSTONE_KEEP_MS, TOMBSTONES_MAX),
  listed: false,
  seq: 0,
});

/** An inspect to make for one container, in the order of its inputs; settled by its `Inspection`. */
export type ContainerWork =
  /** A container of a listing: what it is now; a re-listing's changes are written. */
  | {
      readonly kind: 'listed';
      readonly id: string;
      readonly seq: number;
      readonly listed: ListedContainer;
      readonly relisting: boolean;
    }
  /** An event, and the status it leaves (written, with the inspect's details, at the event's time). */
  | {
      readonly kind: 'event';
      readonly id: string;
      readonly seq: number;
      readonly event: EngineEvent;
      readonly at: Instant;
      readonly status: ContainerStatus;
    };

/** A work's inspect answer: `gone` on 404, `failed` when the engine did not answer after its retries. */
export interface Inspection {
  readonly kind: 'inspection';
  readonly work: ContainerWork;
  readonly answer: InspectedContainer | 'gone' | 'failed';
  readonly at: Instant;
}

/** What the lifecycle state machine is fed. */
export type LifecycleInput =
  /** The engine's containers, all of them (`all: true`), at a session's start. */
  | { readonly kind: 'listing'; readonly containers: readonly ListedContainer[]; readonly at: Instant }
  | { readonly kind: 'event'; readonly event: EngineEvent; readonly at: Instant }
  | Inspection
  /** The sampling interval: every known container whose state the filters include. */
  | { readonly kind: 'tick'; readonly at: Instant };

/** What one input gives: statuses to write now, and inspects to make. */
export interface LifecycleStep {
  readonly out: StatusRecord[];
  readonly work: ContainerWork[];
}

const msOf = (at: Instant): number => at.seconds * 1000 + at.nanos / 1e6;

/**
 * What a container is now, after its last event's inspect: what the event said, unless it said
 * running and the inspect sees it ended with no event since. A container that dies within ms of
 * its start may have its `die` sent before its `start`: then only the inspect can tell.
 */
function settledAfter(status: ContainerStatus, info: InspectedContainer | undefined): ContainerStatus {
  if (!info || status.state !== 'running') return status;
  const seen = statusFromInspect(info, status.container);
  return seen.state === 'exited' || seen.state === 'dead'
    ? { ...seen, ...(status.oomKilled ? { oomKilled: true } : {}) }
    : status;
}

/**
 * The lifecycle state machine: given the book and one input, the statuses to write and the
 * inspects to make. An event's status is what the event says (start: running; die: exited with
 * its exit code, at its time; oom: killed) from the moment it arrives, so that the interval's
 * statuses say it too; the inspect after it adds details (names, labels, CPU limit, restarts,
 * health) to the status written at the event's time, never its state. A listing's inspect counts
 * only if no event of that container came since. `destroy` forgets a container and keeps a
 * tombstone, so that nothing later brings it back; a re-listing writes what changed while the
 * events were down, and the last state of the containers that disappeared.
 */
export function lifecycleReducer(filters: ContainerFilters = {}) {
  const periodic = containerMatcher(filters);
  const { includeStates: _i, excludeStates: _e, ...identity } = filters;
  const watched = containerMatcher({ ...identity, includeStates: ['*'] });
  const matches = (s: ContainerStatus, match: typeof watched): boolean => match({ ...s.container, state: s.state });
  const listedMatches = (c: ListedContainer): boolean =>
    periodic({ name: stripSlash(c.Names?.[0] ?? ''), state: c.State, labels: c.Labels ?? {} });
  const none: LifecycleStep = { out: [], work: [] };

  const listing = (book: LifecycleBook, input: Extract<LifecycleInput, { kind: 'listing' }>): LifecycleStep => {
    const ids = new Set(input.containers.map((c) => c.Id));
    const out: StatusRecord[] = [];
    for (const [id, { status }] of book.known) {
      if (ids.has(id)) continue;
      out.push({ status: goneStatus(status), at: input.at });
      book.known.delete(id);
      book.tombstones.add(id, msOf(input.at));
    }
    const relisting = book.listed;
    const work = input.containers
      .filter((c) => !book.tombstones.has(c.Id) && (book.known.has(c.Id) || listedMatches(c)))
      .map((c) => ({ kind: 'listed' as const, id: c.Id, seq: ++book.seq, listed: c, relisting }));
    book.listed = true;
    return { out, work };
  };

  const event = (book: LifecycleBook, { event: e, at }: Extract<LifecycleInput, { kind: 'event' }>): LifecycleStep => {
    const id = e.Actor.ID;
    if (book.tombstones.has(id)) return none;
    if (e.Action === 'destroy') {
      book.known.delete(id);
      book.tombstones.add(id, msOf(at));
      return none;
    }
    const before = book.known.get(id)?.status ?? {
      container: fromEvent(e),
      state: 'created',
      restartCount: 0,
      cpuLimit: {},
    };
    const status = statusAfterEvent(before, e, at);
    if (!matches(status, watched)) {
      book.known.delete(id);
      return none;
    }
    const seq = ++book.seq;
    book.known.set(id, { status, seq });
    // A new container's name, image and labels are in its `create` event; the rest (limits,
    // health) matters from `start` on, whose inspect brings it: one inspect fewer per container.
    if (e.Action === 'create') return { out: [{ status, at }], work: [] };
    return { out: [], work: [{ kind: 'event', id, seq, event: e, at, status }] };
  };

  const inspection = (book: LifecycleBook, input: Inspection): LifecycleStep => {
    const { work, answer } = input;
    const { id } = work;
    const info = typeof answer === 'string' ? undefined : answer;
    const known = book.known.get(id);
    if (work.kind === 'event') {
      // Written even after a destroy: it is stamped with its event's time, before the destroy.
      const status = info ? withDetails(work.status, info, work.event) : work.status;
      if (!matches(status, watched)) {
        if (known?.seq === work.seq) book.known.delete(id);
        return none;
      }
      if (known?.seq === work.seq) book.known.set(id, { status: settledAfter(status, info), seq: work.seq });
      return { out: [{ status, at: work.at }], work: [] };
    }
    if (answer === 'gone' || book.tombstones.has(id) || (known && known.seq > work.seq)) return none;
    const status = info
      ? statusFromInspect(info, known?.status.container)
      : statusFromListing(work.listed, known?.status);
    if (!matches(status, watched)) {
      book.known.delete(id);
      return none;
    }
    book.known.set(id, { status, seq: work.seq });
    // A re-listing after a reconnect: what changed while the events were down is told now.
    const changed = work.relisting && (known ? changedState(known.status, status) : true);
    return { out: changed ? [{ status, at: input.at }] : [], work: [] };
  };

  return (book: LifecycleBook, input: LifecycleInput): LifecycleStep => {
    switch (input.kind) {
      case 'listing':
        return listing(book, input);
      case 'event':
        return event(book, input);
      case 'inspection':
        return inspection(book, input);
      case 'tick': {
        book.tombstones.prune(msOf(input.at));
        const out: StatusRecord[] = [];
        for (const { status } of book.known.values()) if (matches(status, periodic)) out.push({ status, at: input.at });
        return { out, work: [] };
      }
    }
  };
}
