import type { ContainerRef } from './container.js';

/**
 * An alert as the rules hand it to delivery (Alertmanager, a webhook): pure data, one per change
 * worth telling (a rule starts firing, fires again after its repeat interval, or resolves).
 * Delivery formats it; it never decides anything.
 */
export interface AlertNotice {
  /** The rule's name (`hot`, `oom_killed`, ...). */
  readonly rule: string;
  readonly status: 'firing' | 'resolved';
  /** `info`, `warning`, `critical`, or what the rule file says. */
  readonly severity: string;
  readonly container: ContainerRef;
  /** One line for a person: what happened, with the value where there is one. */
  readonly summary: string;
  /** The threshold rule's value when it crossed (or the exit code, the restart count). */
  readonly value?: number;
  /** When the condition began (ms since the epoch): the alert's identity with `rule` and the container. */
  readonly startsAt: number;
  /** When it resolved (ms); only on `resolved`. */
  readonly endsAt?: number;
  /** The engine host the container runs on (the points' `host` tag). */
  readonly host?: string;
}

/** One alert's identity across notices: a rule on a container. */
export const alertKey = (rule: string, containerId: string): string => `${rule}\u0000${containerId}`;
