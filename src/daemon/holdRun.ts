import type { SchedulerLike, Subscription } from 'rxjs';
import { type Alerting, alertRulesOf, openAlerting } from '../app/alerting.js';
import { connectEngines } from '../app/collect.js';
import { type Delivery, openDelivery } from '../app/delivery.js';
import { restoredGone } from '../app/restoredGone.js';
import type { TelemetryBus } from '../app/telemetryBus.js';
import type { Config } from '../config/keys.js';
import type { SpoolLock } from '../deliver/spool/spoolLock.js';
import { type Engine, closeEngine } from '../sources/engine/engine.js';
import { lockSpoolDir, relockSpoolDir } from './holdSpool.js';
import type { DaemonDeps } from './runDaemon.js';
import { type MetricsServing, serveMetrics } from './serveMetrics.js';

/** What a run holds, let go of when it ends, in this order. */
export interface Held {
  alerting?: Alerting | undefined;
  relock?: Subscription | undefined;
  flushes?: Subscription | undefined;
  delivery?: Delivery | undefined;
  lock?: SpoolLock | undefined;
  metrics?: MetricsServing | undefined;
  engines?: readonly Engine[] | undefined;
}

/**
 * What a daemon's run takes and lets go of: `start` takes it all in the order its errors are
 * found in (the rule file, the spool's lock, the sinks and buffer, the engines' clients, the
 * alerting beside the spool, /metrics); `release` lets go of whatever was taken, once, and a
 * `start` still under way then stops at its next step. `spoolLost` is told when another daemon
 * took the spool while it was unlocked.
 */
export function holdRun(
  config: Config,
  deps: DaemonDeps,
  telemetry: TelemetryBus,
  scheduler: SchedulerLike,
  spoolLost: () => void,
): { held: Held; start: () => Promise<{ delivery: Delivery; engines: Engine[] }>; release: () => void } {
  const { log } = deps;
  const held: Held = {};
  let released = false;
  const release = (): void => {
    released = true;
    held.relock?.unsubscribe();
    held.flushes?.unsubscribe();
    held.lock?.release();
    held.metrics?.close();
    held.engines?.forEach(closeEngine);
    held.alerting?.close();
    Object.assign(held, {
      alerting: undefined,
      relock: undefined,
      flushes: undefined,
      delivery: undefined,
      lock: undefined,
      metrics: undefined,
      engines: undefined,
    });
    telemetry.close();
  };
  // Unsubscribed while a step of the start-up waited: let go and go no further (from() ignores the error).
  const abandonIfReleased = (): void => {
    if (!released) return;
    release();
    throw new Error('unsubscribed while starting');
  };
  const start = async (): Promise<{ delivery: Delivery; engines: Engine[] }> => {
    // The rule file is configuration: a bad one ends the run before anything is taken (exit 2).
    const rules = alertRulesOf(config);
    const dir = config.spoolDir;
    if (dir !== undefined) held.lock = await lockSpoolDir(dir, log);
    abandonIfReleased();
    const delivery = (held.delivery = openDelivery(config, { log, telemetry, scheduler, sinks: deps.sinks }));
    const engines = (held.engines = connectEngines(config, deps.env));
    // Beside the spool's lock: its state file is the spool's neighbour.
    const alerting = (held.alerting = openAlerting(
      config,
      { log, scheduler, telemetry, goneOf: (restored) => restoredGone(engines, restored) },
      rules,
    ));
    held.metrics = await serveMetrics(config, telemetry, delivery.exposition, alerting && (() => alerting.state()));
    abandonIfReleased();
    if (held.lock?.unlocked && dir !== undefined)
      held.relock = relockSpoolDir(dir, log, (lock) => (held.lock = lock), spoolLost);
    held.flushes = deps.flush$?.subscribe(() => {
      log.info({}, 'SIGUSR1: flushing');
      delivery.flush();
    });
    return { delivery, engines };
  };
  return { held, start, release };
}
