import {
  EMPTY,
  type Observable,
  type Observer,
  type SchedulerLike,
  defer,
  filter,
  ignoreElements,
  merge,
  share,
  switchMap,
  tap,
} from 'rxjs';
import { type AlertInput, lifecycleInput } from '../alert/alertInput.js';
import type { Config } from '../config/keys.js';
import { type Limits, type StatusRecord, isRemoval } from '../model/lifecycle.js';
import type { Logger } from '../model/logger.js';
import type { Point } from '../model/point.js';
import type { TelemetrySink } from '../model/telemetry.js';
import { type AllStatsOptions, apiSource } from '../sources/apiSource.js';
import { cgroupSource } from '../sources/cgroupSource.js';
import { lifecycle$ } from '../sources/containerLifecycle.js';
import { type Engine, engineIsLocal } from '../sources/engine/engine.js';
import { type StatsSource, statsReadFrom } from '../sources/statsSource.js';
import { sysfsDeviceNamer } from '../sources/sysfsDeviceNames.js';
import { CONTAINER_FIELDS, toContainerPoints } from '../transform/containerPoint.js';
import { containerTagger } from '../transform/containerTags.js';
import { foldLimits } from '../transform/limits.js';
import { type FieldSelection, fieldChooser, writesField } from '../transform/selectFields.js';
import { toPoints } from '../transform/toPoints.js';
import { hostTagOf } from './hostTag.js';

export interface PointsDeps {
  readonly log: Logger;
  readonly telemetry: TelemetrySink;
  readonly scheduler: SchedulerLike;
  /** Wall-clock ms (with a fraction) for the records a source makes itself. */
  readonly clock?: (() => number) | undefined;
  /** Stream reads held back (read windows, a full buffer with BUFFER_POLICY=block). */
  readonly paused$?: Observable<boolean> | undefined;
  /** A full buffer with BUFFER_POLICY=block: the cgroup source skips samples meanwhile. */
  readonly pressure$?: Observable<boolean> | undefined;
  /** With alert rules in force: the lifecycle's statuses and removals go there (the lifecycle runs for them). */
  readonly alertInputs?: Observer<AlertInput> | undefined;
}

/** The stats fields that come from the containers' inspects (`limits.ts`): the lifecycle runs for them. */
const FROM_INSPECT = [
  'cpu.limit_percent',
  'cpu.limit_cpus',
  'cpu.cfs_quota_us',
  'cpu.cfs_period_us',
  'memory.spec_limit_bytes',
];

/** The statuses' interval: the poll interval in API poll mode, else the sampling interval. */
export const statusIntervalMs = (config: Config): number =>
  config.statsSource === 'api' && config.mode === 'poll' ? config.pollInterval : config.sampleInterval;

/**
 * Collection up to points, as the configuration says, for one engine at a time: its source's
 * samples with the CPU limits of their containers, made into points tagged with the
 * engine's `host`, merged with the containers' `container` points. The daemon encodes and
 * delivers them; `top` shows them.
 */
export function enginePoints(
  config: Config,
  deps: PointsDeps,
): (engine: Engine, configuredHost: string | undefined) => Observable<Point> {
  const { log, telemetry, scheduler, clock, paused$, pressure$, alertInputs } = deps;
  const apiOptions: AllStatsOptions = {
    mode: config.mode,
    pollIntervalMs: config.pollInterval,
    maxConcurrentPolls: config.maxConcurrentPolls,
    ...(paused$ ? { paused$ } : {}),
    filters: {
      includeNames: config.includeNames,
      excludeNames: config.excludeNames,
      includeLabels: config.includeLabels,
      excludeLabels: config.excludeLabels,
      includeStates: config.includeStates,
      excludeStates: config.excludeStates,
    },
    log,
    telemetry,
  };
  const source: StatsSource =
    config.statsSource === 'api'
      ? apiSource(apiOptions, scheduler)
      : cgroupSource(
          {
            ...apiOptions,
            choice: config.statsSource,
            sampleIntervalMs: config.sampleInterval,
            hostProc: config.hostProc,
            hostCgroup: config.hostCgroup,
            ...(pressure$ ? { pressure$ } : {}),
            ...(clock ? { clock } : {}),
          },
          scheduler,
        );

  const containerTags = containerTagger(config);
  const selection: FieldSelection = config;
  const select = fieldChooser(selection);
  // The lifecycle stream (an event stream and an inspect per container) runs only when its output is wanted.
  const wantsContainerPoints = CONTAINER_FIELDS.some((f) => writesField(selection, `container.${f}`));
  const wantsLifecycle =
    alertInputs !== undefined || wantsContainerPoints || FROM_INSPECT.some((name) => writesField(selection, name));
  const states = {
    filters: apiOptions.filters ?? {},
    intervalMs: statusIntervalMs(config),
    log,
    ...(clock ? { clock } : {}),
  };

  const points$ = (engine: Engine, host: string): Observable<Point> => {
    // The limits of this subscription's containers, folded from their statuses and looked up
    // per sample: no object per sample to join them.
    const limits = new Map<string, Limits>();
    // With alerting, the lifecycle tells removals too: they go to the rules, the statuses on.
    const records$: Observable<StatusRecord> = alertInputs
      ? lifecycle$(engine, { ...states, removals: true }, scheduler).pipe(
          tap((record) => alertInputs.next(lifecycleInput(record, host))),
          filter((record): record is StatusRecord => !isRemoval(record)),
        )
      : lifecycle$(engine, states, scheduler);
    const states$ = wantsLifecycle
      ? records$.pipe(
          tap((status) => foldLimits(limits, status)),
          share(),
        )
      : EMPTY;
    const stats$ = source.stats$(engine).pipe(
      toPoints({
        tags: { host },
        containerTags,
        select,
        telemetry,
        counters: config.exposeContainerMetrics,
        ...(wantsLifecycle ? { limitsOf: (id: string) => limits.get(id) } : {}),
        ...(engineIsLocal(engine.address) ? { deviceName: sysfsDeviceNamer() } : {}),
      }),
    );
    // Statuses wanted only for the limits make no `container` point only to drop it: every
    // container's, at every tick, that was a point's worth of garbage per container per second.
    const statuses$ = wantsContainerPoints
      ? states$.pipe(toContainerPoints({ tags: { host }, containerTags, select, telemetry }))
      : states$.pipe(ignoreElements());
    return merge(stats$, statuses$);
  };
  return (engine, configuredHost) =>
    defer(() => {
      // Where the engine's stats come from, told before its source starts (for the log line at start).
      const readsFrom = statsReadFrom(config.statsSource, engine.address);
      telemetry.next({ type: 'engine-described', engine: engine.address, statsSource: config.statsSource, readsFrom });
      return hostTagOf(engine, configuredHost, log);
    }).pipe(switchMap((host) => points$(engine, host)));
}
