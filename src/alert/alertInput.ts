import type { ContainerRef } from '../model/container.js';
import type { StatusRecord } from '../model/lifecycle.js';
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
  /** The container went away while watched (destroyed, or no longer in the filters). */
  | { readonly kind: 'removed'; readonly container: ContainerRef; readonly host?: string }
  | { readonly kind: 'tick' };

export const pointInput = (point: Point, container?: ContainerRef): AlertInput =>
  container ? { kind: 'point', point, container } : { kind: 'point', point };

export const statusInput = (record: StatusRecord, host?: string): AlertInput =>
  host === undefined ? { kind: 'status', record } : { kind: 'status', record, host };

export const removedInput = (container: ContainerRef, host?: string): AlertInput =>
  host === undefined ? { kind: 'removed', container } : { kind: 'removed', container, host };
