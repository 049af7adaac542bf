import type { ContainerStatus, RemovalRecord, StatusRecord } from '../../model/lifecycle.js';
import { type Instant, msOfInstant } from '../../model/timestamp.js';
import {
  carriesState,
  changedState,
  goneStatus,
  statusAfterEvent,
  statusFromInspect,
  statusFromListing,
  withDetails,
  withStateOf,
} from './containerStatus.js';
import { fromEvent } from './discovery.js';
import { changedAt, stampOf, toldAt } from './statusStamps.js';
import { type EngineEvent, type InspectedContainer, type ListedContainer, stripSlash } from './engineCodecs.js';
import { type ContainerFilters, containerMatcher } from './filters.js';
import {
  type EventWork,
  type Inspection,
  type LifecycleBook,
  type LifecycleInput,
  type LifecycleStep,
} from './lifecycleBook.js';

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

/**
 * What a container is now, after its last event's inspect. An event that carries no state
 * (update, rename, health_status, oom) leaves the state inspect sees. One that does: what it
 * said, unless it said running and the inspect sees it ended with no event since (a container
 * that dies within ms of its start may have its `die` sent before its `start`).
 */
function settledAfter(
  status: ContainerStatus,
  info: InspectedContainer | undefined,
  event: EngineEvent,
): ContainerStatus {
  if (!info) return status;
  if (!carriesState(event)) return withStateOf(status, info);
  if (status.state !== 'running') return status;
  const seen = statusFromInspect(info, status.container);
  return seen.state === 'exited' || seen.state === 'dead'
    ? { ...seen, ...(status.oomKilled ? { oomKilled: true } : {}) }
    : status;
}

/** A container not known yet, from what its event carries; its state comes from the event or its inspect. */
const unknownStatus = (event: EngineEvent): ContainerStatus => ({
  container: fromEvent(event),
  state: 'unknown',
  restartCount: 0,
  limits: {},
});

/**
 * The lifecycle state machine: given the book and one input, the statuses to write and the
 * inspects to make. An event's status is what the event says (start: running; die: exited with
 * its exit code, at its time; oom: killed) from the moment it arrives, so that the interval's
 * statuses say it too; the inspect after it adds details (names, labels, limits, restarts,
 * health) to the status written at the event's time (and again after an interval's status of it
 * told before the event was read: `stampOf`), and the state only when the event carries none
 * (update, rename, health_status, oom) and the container was not known. A listing's inspect
 * counts unless an event that says a state came since. `destroy` forgets a container and keeps a
 * tombstone, so that nothing later brings it back, and so does an event's inspect that answers
 * 404; events from before a tombstone (replayed after a reconnect) are written, not kept. A
 * re-listing writes what changed while the events were down, and the last state of the
 * containers that disappeared; a catch-up listing's disappeared ones at the next tick, unless
 * their `destroy` (read after it) came first.
 */
export function lifecycleReducer(filters: ContainerFilters = {}) {
  const periodic = containerMatcher(filters);
  const { includeStates: _i, excludeStates: _e, ...identity } = filters;
  const watched = containerMatcher({ ...identity, includeStates: ['*'] });
  // The three keys a filter reads, not a spread of the container: this runs for every container at every tick.
  const matches = (s: ContainerStatus, match: typeof watched): boolean =>
    match({ name: s.container.name, state: s.state, labels: s.container.labels });
  const listedMatches = (c: ListedContainer): boolean =>
    periodic({ name: stripSlash(c.Names?.[0] ?? ''), state: c.State, labels: c.Labels ?? {} });
  const none: LifecycleStep = { out: [], work: [] };
  /** A known container that went without a word: its last state, ended, forgotten and tombstoned. */
  const gone = (
    book: LifecycleBook,
    id: string,
    status: ContainerStatus,
    at: Instant,
    out: StatusRecord[],
    removed: RemovalRecord[],
  ): void => {
    out.push({ status: goneStatus(status), at });
    removed.push({ removed: goneStatus(status), at });
    book.known.delete(id);
    book.missing.delete(id);
    book.tombstones.add(id, msOfInstant(at));
  };

  const listing = (book: LifecycleBook, input: Extract<LifecycleInput, { kind: 'listing' }>): LifecycleStep => {
    const ids = new Set(input.containers.map((c) => c.Id));
    const out: StatusRecord[] = [];
    const removed: RemovalRecord[] = [];
    for (const [id, { status }] of book.known) {
      if (ids.has(id)) continue;
      // A catch-up is made while events are on their way: a clean exit's `die` and `destroy` may follow it.
      if (input.catchUp) book.missing.set(id, input.at);
      else gone(book, id, status, input.at, out, removed);
    }
    const relisting = book.listed;
    // A catch-up inspects only what it shows changed (state, name): it may come every few seconds on a host at load.
    const inspected = (c: ListedContainer): boolean => {
      const known = book.known.get(c.Id);
      if (!known) return listedMatches(c);
      const { state, container } = known.status;
      return !input.catchUp || state !== c.State || container.name !== stripSlash(c.Names?.[0] ?? container.name);
    };
    const work = input.containers
      .filter((c) => !book.tombstones.has(c.Id) && inspected(c))
      .map((c) => ({
        kind: 'listed' as const,
        id: c.Id,
        seq: ++book.seq,
        listed: c,
        relisting,
        ...(input.catchUp ? { catchUp: true } : {}),
      }));
    book.listed = true;
    return removed.length > 0 ? { out, work, removed } : { out, work };
  };

  const event = (book: LifecycleBook, { event: e, at }: Extract<LifecycleInput, { kind: 'event' }>): LifecycleStep => {
    const id = e.Actor.ID;
    if (!book.seen.first(e)) return none;
    const buried = book.tombstones.since(id);
    if (buried !== undefined) {
      // After a reconnect, the events of the gap come again: those from before the container
      // went are still its history, written from what they carry, but do not bring it back.
      const status = statusAfterEvent(unknownStatus(e), e, at);
      const told = msOfInstant(at) < buried && carriesState(e) && e.Action !== 'destroy' && matches(status, watched);
      return told ? { out: [{ status, at }], work: [] } : none;
    }
    const known = book.known.get(id);
    if (e.Action === 'destroy') {
      book.known.delete(id);
      book.tombstones.add(id, msOfInstant(at));
      return known ? { out: [], work: [], removed: [{ removed: known.status, at }] } : none;
    }
    const stateFromInspect = !known && !carriesState(e);
    const status = statusAfterEvent(known?.status ?? unknownStatus(e), e, at);
    if (!matches(status, watched)) {
      book.known.delete(id);
      return known ? { out: [], work: [], removed: [{ removed: known.status, at }] } : none;
    }
    const seq = ++book.seq;
    const retold = stampOf(at, known?.told);
    const told = retold ?? at;
    if (!stateFromInspect)
      book.known.set(id, { status, seq, stateSeq: carriesState(e) ? seq : (known?.stateSeq ?? seq), told });
    // A new container's name, image and labels are in its `create` event; the rest (limits,
    // health) matters from `start` on, whose inspect brings it: one inspect fewer per container.
    if (e.Action === 'create') return { out: toldAt(status, at, retold), work: [] };
    const work: EventWork = { kind: 'event', id, seq, event: e, at, retold, status, stateFromInspect };
    book.pending.set(id, [...(book.pending.get(id) ?? []), work]);
    return { out: [], work: [work] };
  };

  const answered = (book: LifecycleBook, input: Inspection & { readonly work: EventWork }): LifecycleStep => {
    const { work, answer } = input;
    const { id, seq } = work;
    const rest = (book.pending.get(id) ?? []).filter((w) => w.seq !== seq);
    if (rest.length > 0) book.pending.set(id, rest);
    else book.pending.delete(id);
    const info = typeof answer === 'string' ? undefined : answer;
    const known = book.known.get(id);
    const buried = book.tombstones.has(id);
    // An input since that said the state: the inspect may see what that input did, not this event.
    const stateSince = known !== undefined && known.stateSeq > seq;
    if (work.stateFromInspect && (!info || stateSince)) {
      if (answer === 'gone' && !known && !buried) book.tombstones.add(id, msOfInstant(input.at));
      return none;
    }
    const detailed = info ? withDetails(work.status, info, work.event) : work.status;
    // Written even after a destroy: it is stamped with its event's time, before the destroy.
    const status = work.stateFromInspect && info ? withStateOf(detailed, info) : detailed;
    const mine = !buried && (known ? known.seq <= seq : work.stateFromInspect);
    const out = toldAt(status, work.at, work.retold);
    if (answer === 'gone' && mine) {
      // Gone with no later word of it: forgotten, not written running at every interval after.
      book.known.delete(id);
      book.tombstones.add(id, msOfInstant(input.at));
      if (known) return { out, work: [], removed: [{ removed: status, at: input.at }] };
    } else if (!matches(status, watched)) {
      if (!mine || !known) return none;
      book.known.delete(id);
      return { out: [], work: [], removed: [{ removed: known.status, at: input.at }] };
    } else if (mine) {
      const settled = settledAfter(status, info, work.event);
      book.known.set(id, {
        status: settled,
        seq: Math.max(seq, known?.seq ?? 0),
        stateSeq: seq,
        told: known?.told ?? work.retold ?? work.at,
      });
    }
    return { out, work: [] };
  };

  const inspection = (book: LifecycleBook, input: Inspection): LifecycleStep => {
    const { work, answer } = input;
    if (work.kind === 'event') return answered(book, { ...input, work });
    const { id } = work;
    const known = book.known.get(id);
    // Events since the listing that carry no state leave its inspect counting: it says the state.
    if (answer === 'gone' || book.tombstones.has(id) || (known && known.stateSeq > work.seq)) return none;
    const status =
      answer === 'failed'
        ? statusFromListing(work.listed, known?.status)
        : statusFromInspect(answer, known?.status.container);
    if (!matches(status, watched)) {
      book.known.delete(id);
      return known ? { out: [], work: [], removed: [{ removed: known.status, at: input.at }] } : none;
    }
    // A re-listing after a reconnect: what changed while the events were down is told now.
    const changed = work.relisting && (known ? changedState(known.status, status) : true);
    // A catch-up's change (its event dropped) at the engine's time of it, and after what was told
    // since: an answer read late is stamped after the container's `destroy` that followed it.
    const own = changed && work.catchUp ? changedAt(status, input.at, known?.status) : undefined;
    const retold = own && stampOf(own, known?.told);
    const told = changed ? (own ? (retold ?? own) : input.at) : known?.told;
    book.known.set(id, { status, seq: Math.max(work.seq, known?.seq ?? 0), stateSeq: work.seq, told });
    if (!changed) return none;
    return { out: own ? toldAt(status, own, retold) : [{ status, at: input.at }], work: [] };
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
        book.tombstones.prune(msOfInstant(input.at));
        const out: StatusRecord[] = [];
        const removed: RemovalRecord[] = [];
        for (const [id, at] of book.missing) {
          const known = book.known.get(id);
          if (known) gone(book, id, known.status, at, out, removed);
        }
        book.missing.clear();
        for (const known of book.known.values())
          if (matches(known.status, periodic)) {
            out.push({ status: known.status, at: input.at });
            known.told = input.at;
          }
        return removed.length > 0 ? { out, work: [], removed } : { out, work: [] };
      }
    }
  };
}
