import type { ContainerRef } from '../../model/container.js';
import { LIVE_STATES } from './containerStatus.js';
import { type EngineEvent, type ListedContainer, stripSlash } from './engineCodecs.js';
import { type ContainerFilters, containerMatcher } from './filters.js';

/** What discovery is fed: the listing of containers, then the engine's container events. */
export type DiscoveryInput =
  /** `product`: the engine's (`Docker 20.10.24`), when it told it with the listing. */
  | { readonly kind: 'listed'; readonly containers: readonly ListedContainer[]; readonly product?: string }
  | { readonly kind: 'event'; readonly event: EngineEvent };

/** What discovery tells: which containers to watch, and when the listing has been taken in. */
export type DiscoveryEvent =
  | { readonly kind: 'added'; readonly container: ContainerRef }
  | { readonly kind: 'removed'; readonly id: string; readonly action: string }
  | { readonly kind: 'renamed'; readonly container: ContainerRef }
  | { readonly kind: 'synced'; readonly watched: number; readonly product?: string };

/** The containers discovery watches, by id. */
export type Watchlist = ReadonlyMap<string, ContainerRef>;

export interface DiscoveryStep {
  readonly watchlist: Watchlist;
  readonly out: readonly DiscoveryEvent[];
}

/** The engine's own event attributes; every other attribute of a container event is a label. */
const NOT_LABELS = new Set(['name', 'image', 'exitCode', 'oldName', 'signal', 'execID', 'execDuration']);

/** A container's identity from what an event carries (name, image, labels as attributes). */
export function fromEvent(event: EngineEvent): ContainerRef {
  const attributes = event.Actor.Attributes ?? {};
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) if (!NOT_LABELS.has(key)) labels[key] = value;
  return {
    id: event.Actor.ID,
    name: stripSlash(attributes.name ?? event.Actor.ID.slice(0, 12)),
    image: attributes.image ?? '',
    labels,
  };
}

function fromListing(c: ListedContainer): ContainerRef {
  return { id: c.Id, name: stripSlash(c.Names?.[0] ?? c.Id.slice(0, 12)), image: c.Image, labels: c.Labels ?? {} };
}

/**
 * The discovery state machine, pure: given the containers watched so far and one input, the
 * containers watched after it and what to tell. Events for containers already known (a `start`
 * seen both in the listing and in the events buffered while listing) change nothing. A listing
 * ends the watch of the containers it does not show live (their `die` was dropped).
 */
export function discoveryReducer(filters: ContainerFilters = {}) {
  const matches = containerMatcher(filters);
  return (watchlist: Watchlist, input: DiscoveryInput): DiscoveryStep => {
    const next = new Map(watchlist);
    const out: DiscoveryEvent[] = [];
    const add = (container: ContainerRef, state: string): void => {
      if (next.has(container.id) || !matches({ ...container, state })) return;
      next.set(container.id, container);
      out.push({ kind: 'added', container });
    };
    const remove = (id: string, action: string): void => {
      if (next.delete(id)) out.push({ kind: 'removed', id, action });
    };
    const rename = (renamed: ContainerRef, state: string): void => {
      if (!matches({ ...renamed, state })) return remove(renamed.id, 'rename');
      next.set(renamed.id, renamed);
      out.push({ kind: 'renamed', container: renamed });
    };

    if (input.kind === 'listed') {
      // A listing after the first (the events came late: some may be lost) ends what they would have.
      const listed = new Map(input.containers.map((c) => [c.Id, c]));
      for (const [id, container] of watchlist) {
        const c = listed.get(id);
        const live = c !== undefined && LIVE_STATES.has(c.State);
        if (c === undefined || !(live || matches({ ...container, state: c.State }))) remove(id, 'listing');
        // A live one is judged on its name and labels, as a rename event does (`running`): a paused one goes on.
        else {
          const { name } = fromListing(c);
          if (name !== container.name) rename({ ...container, name }, live ? 'running' : c.State);
        }
      }
      for (const c of input.containers) add(fromListing(c), c.State);
      out.push({ kind: 'synced', watched: next.size, ...(input.product ? { product: input.product } : {}) });
      return { watchlist: next, out };
    }
    const { event } = input;
    if (event.Type !== 'container') return { watchlist, out };
    switch (event.Action) {
      case 'start':
        add(fromEvent(event), 'running');
        break;
      case 'die':
      case 'destroy':
        remove(event.Actor.ID, event.Action);
        break;
      case 'rename': {
        const known = next.get(event.Actor.ID);
        const renamed = { ...fromEvent(event), labels: known?.labels ?? fromEvent(event).labels };
        if (!known) add(renamed, 'running');
        else rename(renamed, 'running');
        break;
      }
    }
    return { watchlist: next, out };
  };
}
