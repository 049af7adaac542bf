import { Subject, VirtualTimeScheduler } from 'rxjs';
import { type AlertInput, pointInput, statusInput } from '../src/alert/alertInput.js';
import { evaluateAlerts } from '../src/alert/evaluateAlerts.js';
import { alertRule } from '../src/config/alertRule.js';
import { DEFAULT_ALERT_RULES } from '../src/config/defaultAlertRules.js';
import type { ContainerRef } from '../src/model/container.js';
import { fmt } from './measure.js';

/**
 * The alert rules' own cost, in-process and on virtual time (no engine, no noise of the daemon):
 * `n` running containers, the default rules and a threshold rule (`cpu.limit_percent > 80 for
 * 5s`, never over), fed as the daemon feeds them: each container's status and its `cpu` point
 * every second, for `seconds`. Prints µs of CPU per input, and how many states were made (each
 * is saved beside the spool, at most once a second).
 */
export function alertEvalBench(n = 100, seconds = 300, rounds = 3): void {
  const hot = alertRule.decode({ name: 'hot', when: 'cpu.limit_percent > 80', for: '5s' });
  if (hot._tag === 'Left') throw new Error('the bench rule does not decode');
  const rules = [...DEFAULT_ALERT_RULES, hot.right];
  const containers: ContainerRef[] = Array.from({ length: n }, (_, i) => ({
    id: i.toString(16).padStart(64, 'b'),
    name: `bench-${i}`,
    image: 'local/busybox',
    labels: { 'com.example.team': 'bench' },
  }));
  const round = (): { us: number; states: number } => {
    const scheduler = new VirtualTimeScheduler(undefined, Infinity);
    let states = 0;
    const feed = new Subject<AlertInput>();
    feed.pipe(evaluateAlerts(rules, { onState: () => states++ }, scheduler)).subscribe();
    for (let s = 1; s <= seconds; s++)
      scheduler.schedule(() => {
        for (const container of containers) {
          const status = {
            container,
            state: 'running',
            restartCount: 0,
            limits: {},
            startedAt: { seconds: 1, nanos: 0 },
          };
          feed.next(statusInput({ status, at: { seconds: s, nanos: 0 } }));
          const tags = {
            host: 'h',
            container_id: container.id,
            container_name: container.name,
            image: 'local/busybox',
          };
          const fields = { usage_percent: 1.5, limit_percent: 3 };
          feed.next(pointInput({ measurement: 'cpu', tags, fields, timestamp: `${s * 1000}000000` }));
        }
      }, s * 1000);
    const t0 = process.cpuUsage();
    scheduler.flush();
    const d = process.cpuUsage(t0);
    return { us: (d.user + d.system) / (seconds * n * 2), states };
  };
  round(); // warm-up
  const results = Array.from({ length: rounds }, round);
  console.log(
    `alert evaluation, ${n} containers x ${seconds} s (default rules + a threshold rule): ` +
      `${results.map((r) => fmt(r.us, 2)).join(', ')} µs per input; ${results[0]!.states} states made`,
  );
}
