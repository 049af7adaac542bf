import { hostname } from 'node:os';
import {
  BehaviorSubject,
  type Observable,
  type SchedulerLike,
  asyncScheduler,
  defer,
  exhaustMap,
  finalize,
  map,
  of,
  startWith,
  timer,
  withLatestFrom,
} from 'rxjs';
import { collect, connectEngines } from '../app/collect.js';
import { statusIntervalMs } from '../app/enginePoints.js';
import { telemetryBus } from '../app/telemetryBus.js';
import type { AlertRule } from '../config/alertRule.js';
import type { Config } from '../config/keys.js';
import type { Logger } from '../model/logger.js';
import { type Engine, closeEngine } from '../sources/engine/engine.js';
import type { ContainerRow } from '../view/containerRow.js';
import { containerRows } from '../view/containerRows.js';
import type { DaemonAlerts } from '../view/firingAlerts.js';
import { withAlerts } from '../view/rowAlerts.js';
import type { HeaderInfo } from '../view/screenLines.js';
import { engineLabel } from './engineLabel.js';
import { ownAlerts } from './ownAlerts.js';
import { daemonHealth$ } from './scrapeDaemon.js';

/** What the view shows at a refresh: the rows and the header. */
export interface ViewData {
  readonly rows: readonly ContainerRow[];
  readonly header: HeaderInfo;
  /** The engines that do not answer now, each with why. */
  readonly unreachable: readonly string[];
  /** The alerts the rows carry: the daemon's (`--daemon`), else those of top's own rules; none without either. */
  readonly alerts?: DaemonAlerts;
}

const ENGINE_LABEL_EVERY_MS = 30_000;

/** A log call as one line of text: the message, then the error's, in parentheses. */
export function logText(obj: object, msg: string | undefined): string {
  const err = (obj as { err?: unknown }).err;
  return `${msg ?? ''}${err instanceof Error ? ` (${err.message})` : ''}`;
}

/** Where the stats come from, as configured and as the open streams say (`auto` picks per engine). */
function sourceLabel(config: Config, streams: Readonly<Record<string, number>>): string {
  const kind = (source: string): string => (source === 'cgroup' ? 'cgroup files' : `Engine API ${config.mode}`);
  if (config.statsSource !== 'auto') return kind(config.statsSource);
  const open = Object.keys(streams).filter((s) => (streams[s] ?? 0) > 0);
  return `${open.length > 0 ? open.map(kind).join(' + ') : 'starting'} (auto)`;
}

/**
 * The view's data, from the daemon's own collection (`collect`), refreshed every sampling
 * interval: rows folded from the points of every engine, and a header that names the hosts,
 * engines and source, the daemon's health and alerts when `daemon` is given (its alerts marked
 * on their containers' rows too), and the last warning. Each
 * subscription collects on its own, with its own telemetry.
 */
export function viewFeed(
  config: Config,
  options: {
    readonly daemon?: string;
    readonly log?: Logger;
    readonly scheduler?: SchedulerLike;
    /** The engines' clients, made already (to report a bad DOCKER_HOST first); default: made on subscription. */
    readonly engines?: readonly Engine[];
    /** Without `daemon`: the rules in force (`alertRulesOf`), evaluated here, their alerts on the rows. */
    readonly rules?: readonly AlertRule[];
  },
): Observable<ViewData> {
  return defer(() => {
    const scheduler = options.scheduler ?? asyncScheduler;
    const notice$ = new BehaviorSubject<string | undefined>(undefined);
    const say =
      (level: string) =>
      (obj: object, msg?: string): void => {
        options.log?.[level === 'warn' ? 'warn' : 'error'](obj, msg);
        notice$.next(`${level}: ${logText(obj, msg)}`);
      };
    const log: Logger = { debug: () => undefined, info: () => undefined, warn: say('warn'), error: say('error') };
    // This subscription's own: a second view counts its own streams and engines.
    const telemetry = telemetryBus();
    const engines = options.engines ?? connectEngines(config);
    const everyMs = statusIntervalMs(config);
    const own = options.daemon ? undefined : ownAlerts(config, options.rules ?? [], { log, scheduler, telemetry });
    // INTERNAL_METRICS, read from the environment as the daemon reads it, is no container: no row for it.
    const collected$ = collect(
      { ...config, internalMetrics: false },
      { log, telemetry, engines, scheduler, ...(own && { alertInputs: own.inputs }) },
    );
    const rows$ = (own ? collected$.pipe(own.wire) : collected$).pipe(containerRows(everyMs, scheduler));
    const engines$ = timer(0, ENGINE_LABEL_EVERY_MS, scheduler).pipe(
      exhaustMap(() => Promise.all(engines.map(engineLabel))),
      startWith(engines.map((e) => e.address)),
    );
    const daemon$: Observable<HeaderInfo['daemon']> = options.daemon
      ? daemonHealth$(options.daemon, everyMs, scheduler)
      : of(undefined);
    // One view per refresh, with the latest of everything else.
    return rows$.pipe(
      withLatestFrom(telemetry.state$, engines$, daemon$.pipe(startWith(undefined)), notice$),
      map(([rows, state, labels, daemon, notice]): ViewData => {
        const hosts = [...new Set(rows.map((r) => r.host))];
        const down = [...state.engines].filter(([, e]) => !e.reachable);
        const alerts = daemon && !('error' in daemon) ? daemon.alerts : own?.firing();
        return {
          rows: withAlerts(rows, alerts),
          ...(alerts && { alerts }),
          unreachable: down.map(([address, e]) => `cannot reach the engine at ${address}: ${e.reason ?? 'no answer'}`),
          header: {
            host: hosts.length > 0 ? hosts.join(', ') : hostname(),
            engine: labels.join(', '),
            source: sourceLabel(config, state.streams),
            ...(daemon ? { daemon } : {}),
            ...(own && alerts && { alerts }),
            ...(notice ? { notice } : {}),
          },
        };
      }),
      finalize(() => {
        own?.close();
        telemetry.close();
        if (options.engines === undefined) engines.forEach(closeEngine);
      }),
    );
  });
}
