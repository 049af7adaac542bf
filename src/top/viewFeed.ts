import { hostname } from 'node:os';
import {
  BehaviorSubject,
  type Observable,
  type SchedulerLike,
  Subject,
  asyncScheduler,
  exhaustMap,
  map,
  merge,
  of,
  scan,
  startWith,
  timer,
  withLatestFrom,
} from 'rxjs';
import { enginePoints, statusIntervalMs } from '../app/enginePoints.js';
import type { Config } from '../config/keys.js';
import type { Logger } from '../model/logger.js';
import type { TelemetryEvent } from '../model/telemetry.js';
import { connectEngine } from '../sources/engine/engine.js';
import { foldTelemetry, initialTelemetry } from '../telemetry/telemetryState.js';
import type { ContainerRow } from '../view/containerRow.js';
import { containerRows } from '../view/containerRows.js';
import type { HeaderInfo } from '../view/screenLines.js';
import { engineLabel } from './engineLabel.js';
import { daemonHealth$ } from './scrapeDaemon.js';

/** What the view shows at a refresh: the rows and the header. */
export interface ViewData {
  readonly rows: readonly ContainerRow[];
  readonly header: HeaderInfo;
  /** The engines that do not answer now, each with why. */
  readonly unreachable: readonly string[];
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
 * The view's data, from the same points as the daemon's (`enginePoints`), refreshed every
 * sampling interval: rows folded from the points of every engine, and a header that names the
 * hosts, engines and source, the daemon's health when `daemon` is given, and the last warning.
 */
export function viewFeed(
  config: Config,
  options: { readonly daemon?: string; readonly log?: Logger; readonly scheduler?: SchedulerLike },
): Observable<ViewData> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const notice$ = new BehaviorSubject<string | undefined>(undefined);
  const say =
    (level: string) =>
    (obj: object, msg?: string): void => {
      options.log?.[level === 'warn' ? 'warn' : 'error'](obj, msg);
      notice$.next(`${level}: ${logText(obj, msg)}`);
    };
  const log: Logger = { debug: () => undefined, info: () => undefined, warn: say('warn'), error: say('error') };
  const telemetry = new Subject<TelemetryEvent>();
  const state$ = telemetry.pipe(scan(foldTelemetry, initialTelemetry()), startWith(initialTelemetry()));
  const engines = config.dockerHost.map((host) => connectEngine({ ...process.env, DOCKER_HOST: host }));
  const pointsOf = enginePoints(config, { log, telemetry, scheduler });
  const everyMs = statusIntervalMs(config);
  const rows$ = merge(...engines.map((engine, i) => pointsOf(engine, config.hostTag[i]))).pipe(
    containerRows(everyMs, scheduler),
  );
  const engines$ = timer(0, ENGINE_LABEL_EVERY_MS, scheduler).pipe(
    exhaustMap(() => Promise.all(engines.map(engineLabel))),
    startWith(engines.map((e) => e.address)),
  );
  const daemon$: Observable<HeaderInfo['daemon']> = options.daemon
    ? daemonHealth$(options.daemon, everyMs, scheduler)
    : of(undefined);
  // One view per refresh, with the latest of everything else.
  return rows$.pipe(
    withLatestFrom(state$, engines$, daemon$.pipe(startWith(undefined)), notice$),
    map(([rows, state, labels, daemon, notice]): ViewData => {
      const hosts = [...new Set(rows.map((r) => r.host))];
      const down = [...state.engines].filter(([, e]) => !e.reachable);
      return {
        rows,
        unreachable: down.map(([address, e]) => `cannot reach the engine at ${address}: ${e.reason ?? 'no answer'}`),
        header: {
          host: hosts.length > 0 ? hosts.join(', ') : hostname(),
          engine: labels.join(', '),
          source: sourceLabel(config, state.streams),
          ...(daemon ? { daemon } : {}),
          ...(notice ? { notice } : {}),
        },
      };
    }),
  );
}
