import { Counter, Gauge, type Registry } from 'prom-client';
import { ALERT_DROP_REASONS } from '../model/alertDelivery.js';
import type { AlertTelemetry } from '../telemetry/firingAlerts.js';

/**
 * Alerting on /metrics, read at each scrape: `dss_alerts_firing{rule,severity,container_name,
 * container_id}` 1 per alert firing (the series goes when it resolves; `top` reads exactly this
 * name and these labels), and each receiver's `dss_alerts_sent_total`, `dss_alerts_retried_total`
 * and `dss_alerts_dropped_total{reason}`, 0 from the start.
 */
export function registerAlertMetrics(registry: Registry, state: () => AlertTelemetry): void {
  new Gauge({
    name: 'dss_alerts_firing',
    help: '1 per alert firing now, by rule and container (gone once it resolves).',
    labelNames: ['rule', 'severity', 'container_name', 'container_id'],
    registers: [registry],
    collect() {
      this.reset();
      for (const n of state().firing.values())
        this.set(
          { rule: n.rule, severity: n.severity, container_name: n.container.name, container_id: n.container.id },
          1,
        );
    },
  });
  const perReceiver = (name: string, help: string, read: (s: AlertTelemetry, receiver: string) => number): void => {
    new Counter({
      name,
      help,
      labelNames: ['receiver'],
      registers: [registry],
      collect() {
        this.reset();
        const s = state();
        for (const receiver of s.receivers) this.inc({ receiver }, read(s, receiver));
      },
    });
  };
  perReceiver(
    'dss_alerts_sent_total',
    'Alert notices the receiver took, by receiver (alertmanager, webhook).',
    (s, r) => s.delivery.get(r)?.sent ?? 0,
  );
  perReceiver(
    'dss_alerts_retried_total',
    'Alert notices posted again after a transient failure (5xx, 429, network), by receiver.',
    (s, r) => s.delivery.get(r)?.retried ?? 0,
  );
  new Counter({
    name: 'dss_alerts_dropped_total',
    help: 'Alert notices given up, by receiver and reason (queue_full, rejected, retries_exhausted).',
    labelNames: ['receiver', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      const s = state();
      for (const receiver of s.receivers)
        for (const reason of ALERT_DROP_REASONS)
          this.inc({ receiver, reason }, s.delivery.get(receiver)?.droppedBy[reason] ?? 0);
    },
  });
}
