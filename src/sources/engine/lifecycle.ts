import type { ContainerStatus, StatusRecord } from '../../model/lifecycle.js';
import type { Instant } from '../../model/timestamp.js';
import { statusAfterEvent, statusFromInspect } from './containerStatus.js';
import { fromEvent } from './discovery.js';
import type { EngineEvent, InspectedContainer } from './engineCodecs.js';
import { type ContainerFilters, containerMatcher } from './filters.js';

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

/** What the lifecycle state machine is fed. */
export type LifecycleInput =
  /** A container's inspect: at start-up (no event), or after one of its events. */
  | {
      readonly kind: 'inspected';
      readonly info: InspectedContainer;
      readonly event?: EngineEvent;
      readonly at: Instant;
    }
  /** An event whose container could not be inspected (gone already: `--rm`), or `destroy`. */
  | { readonly kind: 'event'; readonly event: EngineEvent; readonly at: Instant }
  /** The sampling interval: every known container whose state the filters include. */
  | { readonly kind: 'tick'; readonly at: Instant };

/** The containers known, by id; the reducer's own map, changed in place (a copy per event would be O(n)). */
export type KnownContainers = Map<string, ContainerStatus>;

/**
 * The lifecycle state machine, pure but for its own map: given the containers known so far and
 * one input, the statuses to write. An event writes its container's status at once (with what
 * inspect says, or, when it cannot, with what the event carries: the exit code of `die`); a
 * tick writes every known container that the state filter includes. Name and label filters
 * apply to both; `destroy` forgets a container.
 */
export function lifecycleReducer(filters: ContainerFilters = {}) {
  const periodic = containerMatcher(filters);
  const { includeStates: _i, excludeStates: _e, ...identity } = filters;
  const watched = containerMatcher({ ...identity, includeStates: ['*'] });
  const matches = (s: ContainerStatus, match: typeof watched): boolean => match({ ...s.container, state: s.state });

  return (known: KnownContainers, input: LifecycleInput): StatusRecord[] => {
    const { at } = input;
    if (input.kind === 'tick') {
      const out: StatusRecord[] = [];
      for (const status of known.values()) if (matches(status, periodic)) out.push({ status, at });
      return out;
    }
    const { event } = input;
    const id = input.kind === 'inspected' ? input.info.Id : input.event.Actor.ID;
    const before = known.get(id);
    let status: ContainerStatus;
    if (input.kind === 'inspected') {
      status = statusFromInspect(input.info, before?.container);
      // The kernel's OOM kill is told before the container dies; inspect says so only once it has,
      // and not always then (cgroup v1): the `oom` event wins over the `die` inspect that follows.
      const oomBefore = event?.Action === 'die' && before?.oomKilled === true;
      if (event?.Action === 'oom' || oomBefore) status = { ...status, oomKilled: true };
    } else {
      if (input.event.Action === 'destroy') {
        known.delete(id);
        return [];
      }
      const base = before ?? { container: fromEvent(input.event), state: 'created', restartCount: 0, cpuLimit: {} };
      status = statusAfterEvent(base, input.event);
    }
    if (!matches(status, watched)) {
      known.delete(id);
      return [];
    }
    known.set(id, status);
    return event ? [{ status, at }] : [];
  };
}
