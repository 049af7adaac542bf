import type { DaemonAlerts } from './firingAlerts.js';
import type { Line } from './line.js';
import { promSample } from './promSample.js';

/** One read of a daemon's /metrics and /readyz (its pipeline's health). */
export interface DaemonScrape {
  /** When, in ms. */
  readonly at: number;
  /** Each metric's value, summed over its labels. */
  readonly samples: ReadonlyMap<string, number>;
  readonly healthy: boolean;
  readonly reasons: readonly string[];
  /** Its alerting (`daemonAlerts`): none when the daemon does not alert. */
  readonly alerts?: DaemonAlerts;
}

/** What the header says of a daemon's pipeline. */
export interface DaemonHealth {
  readonly url: string;
  readonly healthy: boolean;
  readonly reasons: readonly string[];
  readonly writtenPerSec?: number;
  readonly bufferPoints?: number;
  readonly bufferBytes?: number;
  /** buffer bytes / capacity, 0 to 1. */
  readonly bufferFill?: number;
  readonly dropped?: number;
  /** Mean write latency since the previous read (else over the daemon's life), ms. */
  readonly latencyMs?: number;
  /** The alerts firing now; none when the daemon does not alert. */
  readonly alerts?: DaemonAlerts;
}

/** A daemon that did not answer. */
export interface DaemonUnreachable {
  readonly url: string;
  readonly error: string;
}

/**
 * The samples of a Prometheus text exposition, summed over labels. Label values are read as the
 * format escapes them (`promSample`): a value with `}` in it (a rule's name) does not hide its sample.
 */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const sample = promSample(line);
    if (sample && Number.isFinite(sample.value))
      samples.set(sample.name, (samples.get(sample.name) ?? 0) + sample.value);
  }
  return samples;
}

/** The daemon's health from its latest read, with rates against the read before. */
export function daemonHealth(url: string, previous: DaemonScrape | undefined, current: DaemonScrape): DaemonHealth {
  const now = (name: string): number | undefined => current.samples.get(name);
  const delta = (name: string): number | undefined => {
    const a = previous?.samples.get(name);
    const b = now(name);
    return a === undefined || b === undefined || b < a ? undefined : b - a;
  };
  const seconds = previous ? (current.at - previous.at) / 1000 : 0;
  const written = delta('dss_points_written_total');
  const writes = delta('dss_write_latency_seconds_count');
  const latencySeconds =
    writes !== undefined && writes > 0
      ? delta('dss_write_latency_seconds_sum')! / writes
      : (now('dss_write_latency_seconds_count') ?? 0) > 0
        ? now('dss_write_latency_seconds_sum')! / now('dss_write_latency_seconds_count')!
        : undefined;
  const bytes = now('dss_buffer_bytes');
  const capacity = now('dss_buffer_capacity_bytes');
  const optional = {
    writtenPerSec: written !== undefined && seconds > 0 ? written / seconds : undefined,
    bufferPoints: now('dss_buffer_points'),
    bufferBytes: bytes,
    bufferFill: bytes !== undefined && capacity ? bytes / capacity : undefined,
    dropped: now('dss_points_dropped_total'),
    latencyMs: latencySeconds === undefined ? undefined : latencySeconds * 1000,
    alerts: current.alerts,
  };
  return {
    url,
    healthy: current.healthy,
    reasons: current.reasons,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/** The header line of a daemon: healthy or not, points/s written and how long a write takes, buffer fill, dropped. */
export function daemonLine(daemon: DaemonHealth | DaemonUnreachable): Line {
  const where = `daemon ${daemon.url.replace(/^https?:\/\//, '')}`;
  if ('error' in daemon) return [{ text: `${where}: ` }, { text: daemon.error, tone: 'bad' }];
  const buffer =
    daemon.bufferFill !== undefined
      ? `buffer ${(daemon.bufferFill * 100).toFixed(1)}%`
      : daemon.bufferPoints !== undefined
        ? `buffer ${daemon.bufferPoints} pts`
        : undefined;
  const rate = daemon.writtenPerSec === undefined ? '' : ` ${daemon.writtenPerSec.toFixed(0)} pts/s`;
  const latency = daemon.latencyMs === undefined ? '' : ` in ${daemon.latencyMs.toFixed(0)} ms`;
  const parts = [
    rate || latency ? `writes${rate}${latency}` : undefined,
    buffer,
    daemon.dropped === undefined ? undefined : `${daemon.dropped} dropped`,
  ].filter((p): p is string => p !== undefined);
  const state = daemon.healthy ? 'healthy' : `unhealthy (${daemon.reasons.join('; ')})`;
  return [
    { text: `${where} ` },
    { text: state, tone: daemon.healthy ? 'good' : 'bad', bold: true },
    { text: parts.length > 0 ? `: ${parts.join(', ')}` : '' },
  ];
}
