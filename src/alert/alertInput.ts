import type { ContainerRef } from '../model/container.js';
import { type LifecycleRecord, type StatusRecord, isRemoval } from '../model/lifecycle.js';
import type { Point } from '../model/point.js';

/**
 * What the alert rules read: the points (threshold rules), the containers' statuses (lifecycle
 * rules) and their removals (`gone`; every alert of a removed container resolves). `tick` is the
 * evaluator's own: time passed (a `for` held, a repeat or a hold due) with nothing else to read.
 */
export type AlertInput =
  | {
      readonly kind: 'point';
      readonly point: Point;
      /** The point's container, for label globs on all its labels (else those tagged on the point). */
      readonly container?: ContainerRef;
    }
  | { readonly kind: 'status'; readonly record: StatusRecord; readonly host?: string }
  /**
   * The container went away while watched (destroyed, or no longer in the filters). `clean`: its
   * last status was a clean exit (code 0), as `docker run --rm` and `compose down` leave it:
   * `gone` does not fire for what was meant to end.
   */
  | { readonly kind: 'removed'; readonly container: ContainerRef; readonly host?: string; readonly clean?: boolean }
  | { readonly kind: 'tick' };

export const pointInput = (point: Point, container?: ContainerRef): AlertInput =>
  container ? { kind: 'point', point, container } : { kind: 'point', point };

export const statusInput = (record: StatusRecord, host?: string): AlertInput =>
  host === undefined ? { kind: 'status', record } : { kind: 'status', record, host };

export const removedInput = (container: ContainerRef, host?: string, clean?: boolean): AlertInput => ({
  kind: 'removed',
  container,
  ...(host !== undefined && { host }),
  ...(clean === true && { clean }),
});

/** A lifecycle record as the rules read it; a removal after a clean exit (code 0) says so: `gone` stays quiet. */
export function lifecycleInput(record: LifecycleRecord, host?: string): AlertInput {
  if (!isRemoval(record)) return statusInput(record, host);
  const last = record.removed;
  const clean = (last.state === 'exited' || last.state === 'dead') && last.exitCode === 0;
  return removedInput(last.container, host, clean);
}
