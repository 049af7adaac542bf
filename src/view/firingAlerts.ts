import { promSample } from './promSample.js';

/** An alert the daemon says is firing: one `dss_alerts_firing` sample. */
export interface FiringAlert {
  readonly rule: string;
  readonly severity: string;
  /** The container's name and id as the alert's labels give them ('' when a label is missing). */
  readonly container: string;
  readonly containerId: string;
}

/** What a daemon's /metrics says of its alerting. */
export interface DaemonAlerts {
  /** The firing alerts, the most severe first. */
  readonly firing: readonly FiringAlert[];
}

const FIRING = 'dss_alerts_firing';
/**
 * A daemon that alerts declares its dss_alerts_* series (their `# HELP` and `# TYPE` lines)
 * even while none has a sample; a daemon without alerting has none at all.
 */
const DECLARED = /^#\s+(?:HELP|TYPE)\s+dss_alerts_\w+/;

/** Most severe first; a severity not listed comes after warning, in A to Z order. */
const RANK: Readonly<Record<string, number>> = { critical: 0, error: 1, warning: 2, info: 4 };
const rank = (severity: string): number => RANK[severity.toLowerCase()] ?? 3;

/** Whether one of the alerts is critical: they are painted red then, yellow otherwise. */
export const anyCritical = (alerts: readonly FiringAlert[]): boolean =>
  alerts.some((a) => a.severity.toLowerCase() === 'critical');

/** Critical first, then by rule and container: the header and the JSON list them in this order. */
export const bySeverity = (a: FiringAlert, b: FiringAlert): number =>
  rank(a.severity) - rank(b.severity) ||
  a.severity.localeCompare(b.severity) ||
  a.rule.localeCompare(b.rule) ||
  a.container.localeCompare(b.container) ||
  a.containerId.localeCompare(b.containerId);

/**
 * The firing alerts of a daemon's /metrics text, from its `dss_alerts_firing{rule, severity,
 * container_name, container_id} 1` samples (a sample of 0 is not firing); undefined when the
 * daemon has no alerting (no dss_alerts_* series). Label values are unescaped as the format
 * escapes them: a rule or name with quotes, backslashes or newlines comes out as it was.
 */
export function daemonAlerts(text: string): DaemonAlerts | undefined {
  let alerting = false;
  const firing: FiringAlert[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      alerting ||= DECLARED.test(line);
      continue;
    }
    const sample = promSample(line);
    if (!sample?.name.startsWith('dss_alerts_')) continue;
    alerting = true;
    if (sample.name !== FIRING || !(sample.value > 0)) continue;
    const { rule = '', severity = '', container_name = '', container_id = '' } = sample.labels;
    firing.push({ rule, severity, container: container_name, containerId: container_id });
  }
  return alerting ? { firing: firing.sort(bySeverity) } : undefined;
}
