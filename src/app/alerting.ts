import { isLeft } from 'fp-ts/lib/Either.js';
import {
  type MonoTypeOperatorFunction,
  type Observer,
  type SchedulerLike,
  EMPTY,
  Subject,
  connect,
  defer,
  type Observable,
  filter,
  map,
  merge,
  tap,
} from 'rxjs';
import { type AlertInput, pointInput, removedInput } from '../alert/alertInput.js';
import { evaluateAlerts } from '../alert/evaluateAlerts.js';
import { alertRulesInForce } from '../config/defaultAlertRules.js';
import type { AlertRule } from '../config/alertRule.js';
import type { Config } from '../config/keys.js';
import { ConfigError } from '../config/resolveConfig.js';
import type { AlertNotice } from '../model/alert.js';
import type { ContainerRef } from '../model/container.js';
import type { Logger } from '../model/logger.js';
import type { Point } from '../model/point.js';
import type { TelemetrySink } from '../model/telemetry.js';
import { takeUntilEnd } from '../rx/takeUntilEnd.js';
import { type AlertDeliveryCounters, foldAlertDelivery } from '../telemetry/alertDeliveryState.js';
import { type AlertTelemetry, foldFiring } from '../telemetry/firingAlerts.js';
import { alertPoints } from '../transform/alertPoint.js';
import { containerTagger } from '../transform/containerTags.js';
import { writesField } from '../transform/selectFields.js';
import { alertReceiversFor, deliverAlerts } from './alertReceivers.js';
import { type AlertOutbox, alertStateFile } from './alertStateFile.js';
import { firingIn, restoreOutbox } from './restoredAlerts.js';
import { AlertQueue } from '../deliver/alert/alertQueue.js';

/** The daemon's alerting, opened by `openAlerting`. */
export interface Alerting {
  readonly rules: readonly AlertRule[];
  /** Where the lifecycle's statuses and removals go as alert inputs (`collect`'s `alertInputs`). */
  readonly inputs: Observer<AlertInput>;
  /** Collected points -> the same points, and the `alert` point of each notice (for the sinks). */
  readonly wire: MonoTypeOperatorFunction<Point>;
  /** The alerts firing and the receivers' counters, read at each scrape of /metrics. */
  state(): AlertTelemetry;
  /**
   * Completes once the notices made are delivered or dropped (each receiver's retries included),
   * to be subscribed after the wire's points end: a stop lets them go out (SHUTDOWN_TIMEOUT
   * bounds it), where `close` would cut them.
   */
  readonly delivered$: Observable<never>;
  /** The receivers with notices not yet delivered or dropped (a stop's timeout names them). */
  undelivered(): readonly string[];
  /** Lets go: the receivers' deliveries and connections; the state written beside the spool. */
  close(): void;
}

/** The rules in force (ALERT_RULES and the defaults with a receiver), or the ConfigError (exit 2) saying why not. */
export function alertRulesOf(config: Config): readonly AlertRule[] {
  const receiver = config.alertWebhookUrl !== undefined || config.alertmanagerUrl !== undefined;
  const rules = alertRulesInForce({
    receiver,
    ...(config.alertRules !== undefined && { rulesFile: config.alertRules }),
  });
  if (isLeft(rules)) throw rules.left;
  for (const rule of rules.right) {
    if (rule.when.kind !== 'threshold') continue;
    const field = `${rule.when.measurement}.${rule.when.field}`;
    if (!writesField(config, field))
      throw new ConfigError(
        `invalid alert rule ${JSON.stringify(rule.name)} in ${config.alertRules}: when: ${field} is not collected (MEASUREMENTS, FIELDS or FIELDS_EXCLUDE leave it out)`,
      );
  }
  return rules.right;
}

/**
 * Alerting as the configuration says, or undefined with no rule in force (then nothing of it
 * runs: no lifecycle removals, no look at any point). The notices go to the receivers from a
 * Subject, each in a subscription of its own (`deliverAlerts`): a failing or hanging receiver
 * never holds up the points. Throws ConfigError on a bad rule file.
 */
export function openAlerting(
  config: Config,
  deps: {
    readonly log: Logger;
    readonly scheduler: SchedulerLike;
    readonly telemetry: TelemetrySink;
    /** Of a restored state's containers, those the engines no longer have (`restoredGone`): their alerts resolve. */
    readonly goneOf?: (restored: readonly ContainerRef[]) => Observable<ContainerRef>;
  },
  rules: readonly AlertRule[] = alertRulesOf(config),
): Alerting | undefined {
  const { log, scheduler } = deps;
  if (rules.length === 0) return undefined;
  const tagger = containerTagger(config);
  const receivers = alertReceiversFor(config, tagger);
  // Each receiver's queue, kept here: what it holds is saved with the state (told there), so a
  // stop or a crash before the receiver took it leaves it for the next start, not lost.
  const queues = new Map(receivers.map((r) => [r.name, new AlertQueue(1000)]));
  // Saved with only the labels the receivers read (through the tagger): a container may have
  // hundreds, and each write of the outbox is on the event loop. Each notice slimmed once.
  const slimmed = new WeakMap<AlertNotice, AlertNotice>();
  const slim = (n: AlertNotice): AlertNotice => {
    let kept = slimmed.get(n);
    if (kept === undefined) {
      const tags = tagger(n.container);
      const labels = Object.fromEntries(
        Object.entries(n.container.labels).filter(([k]) => k in tags || k.startsWith('com.docker.compose.')),
      );
      kept = { ...n, container: { ...n.container, labels } };
      slimmed.set(n, kept);
    }
    return kept;
  };
  const outboxOf = (): AlertOutbox =>
    Object.fromEntries([...queues].map(([name, queue]) => [name, queue.all().map(slim)]));
  const saved =
    config.spoolDir === undefined ? undefined : alertStateFile(config.spoolDir, log, scheduler, 1000, outboxOf);
  restoreOutbox(saved?.outbox ?? {}, queues, log);
  const notices = new Subject<AlertNotice>();
  const inputs = new Subject<AlertInput>();
  let firing = firingIn(saved?.initial, rules);
  let delivery: ReadonlyMap<string, AlertDeliveryCounters> = new Map();
  const tracked = notices.subscribe((n) => (firing = foldFiring(firing, n)));
  const settled = new Subject<never>();
  const done = new Set<string>();
  const delivered = notices
    .pipe(
      deliverAlerts(receivers, log, scheduler, {
        ended: (name) => done.add(name),
        queues,
        firing: [...firing.values()],
      }),
    )
    .subscribe({
      next: (event) => {
        delivery = foldAlertDelivery(delivery, event);
        // what a receiver took leaves the file at once: a crash would send it again
        saved?.touch(event.type !== 'alerts-retried');
      },
      complete: () => settled.complete(),
    });
  // Removed while the daemon was down: told as a clean removal (`gone` stays quiet, nobody watched it go).
  const restored = [
    ...new Map(Object.values(saved?.initial?.entries ?? {}).map((e) => [e.container.id, e.container])).values(),
  ];
  const gone$ = restored.length > 0 && deps.goneOf ? deps.goneOf(restored) : undefined;
  const measurements = new Set(rules.flatMap((r) => (r.when.kind === 'threshold' ? [r.when.measurement] : [])));
  // The containers as their statuses tell them, all their labels with them: a threshold rule's
  // label globs see every label, not only those TAG_LABELS puts on the points.
  const known = new Map<string, ContainerRef>();
  // A rule that reads labels waits for a container's first status: a point before it has only
  // the labels TAG_LABELS tags, and an exclusion it misses would fire (and resolve at the status).
  const byLabels = rules.some(
    (r) => r.when.kind === 'threshold' && (r.containers.labels.length > 0 || r.containers.excludeLabels.length > 0),
  );
  const learn = (input: AlertInput): void => {
    if (input.kind === 'status') known.set(input.record.status.container.id, input.record.status.container);
    else if (input.kind === 'removed') known.delete(input.container.id);
  };
  log.info(
    {
      rules: rules.map((r) => r.name),
      receivers: receivers.map((r) => r.description),
      ...(saved?.initial && { restored: Object.keys(saved.initial.entries).length }),
    },
    'alerting on',
  );
  /**
   * ```
   * points: -p-p-p-p-|
   * inputs: --s---r--        (statuses and removals from the lifecycle)
   * result: -p-pap-p-|       (a: the `alert` point of a notice)
   * ```
   */
  const wire: MonoTypeOperatorFunction<Point> = (points$) =>
    points$.pipe(
      connect((points) =>
        merge(
          points,
          merge(
            points.pipe(
              filter((p) => measurements.has(p.measurement)),
              filter((p) => !byLabels || known.has(p.tags.container_id ?? '')),
              map((p) => pointInput(p, known.get(p.tags.container_id ?? ''))),
            ),
            inputs.pipe(tap(learn), takeUntilEnd(points)),
            ...(gone$
              ? [
                  gone$.pipe(
                    map((c) => removedInput(c, undefined, true)),
                    takeUntilEnd(points),
                  ),
                ]
              : []),
          ).pipe(
            evaluateAlerts(
              rules,
              {
                ...(saved?.initial && { initial: saved.initial }),
                ...(saved && { onState: (state) => saved.save(state) }),
                ...(config.alertRepeatInterval !== undefined && { maxRepeatMs: config.alertRepeatInterval }),
              },
              scheduler,
            ),
            tap((n) => notices.next(n)),
            alertPoints(tagger, () => scheduler.now()),
            tap(() => deps.telemetry.next({ type: 'alert-point' })),
          ),
        ),
      ),
    );
  return {
    rules,
    inputs,
    wire,
    state: () => ({ firing, delivery, receivers: receivers.map((r) => r.name) }),
    delivered$: defer(() => {
      // No notice comes after the wire's end: the receivers' queues drain, then complete.
      notices.complete();
      return delivered.closed ? EMPTY : settled;
    }),
    undelivered: () => receivers.map((r) => r.name).filter((name) => !done.has(name)),
    close() {
      saved?.close();
      tracked.unsubscribe();
      delivered.unsubscribe();
      receivers.forEach((r) => r.close());
    },
  };
}
