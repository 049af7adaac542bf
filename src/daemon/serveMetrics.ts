import type { Config } from '../config/keys.js';
import type { TelemetryBus } from '../app/telemetryBus.js';
import type { Exposition } from '../deliver/pointSink.js';
import type { AlertTelemetry } from '../telemetry/firingAlerts.js';
import { health } from '../telemetry/telemetryState.js';

/** What serves /metrics, until closed. */
export interface MetricsServing {
  close(): void;
}

/**
 * /metrics and the probes on METRICS_PORT, from the run's telemetry; undefined when the port is 0.
 * Rejects with MetricsPortError when the port cannot be listened on.
 */
export async function serveMetrics(
  config: Config,
  telemetry: TelemetryBus,
  exposition?: () => Exposition,
  alerts?: () => AlertTelemetry,
): Promise<MetricsServing | undefined> {
  if (config.metricsPort === 0) return undefined;
  // prom-client adds resident memory (docs/benchmarks.md, section 2): loaded only when /metrics is served.
  const { selfMetrics } = await import('./selfMetrics.js');
  const { metricsServer } = await import('./metricsServer.js');
  const { loopHeartbeat } = await import('./liveness.js');
  const capacity = config.spoolDir !== undefined ? config.maxSpoolSize : config.maxBufferSize;
  const registry = selfMetrics(telemetry.state, telemetry.events$, capacity);
  if (alerts) (await import('./alertMetrics.js')).registerAlertMetrics(registry, alerts);
  // Liveness is the event loop's alone: an outage of the database or an engine is readiness's.
  const heartbeat = loopHeartbeat();
  try {
    const server = await metricsServer(
      config.metricsPort,
      registry,
      {
        live: heartbeat.check,
        ready: () => health(telemetry.state()),
      },
      exposition,
    );
    return {
      close: () => {
        heartbeat.stop();
        server.close();
      },
    };
  } catch (error) {
    heartbeat.stop();
    throw error;
  }
}
