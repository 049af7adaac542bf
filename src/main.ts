#!/usr/bin/env -S node --max-semi-space-size=2
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { type Logger as Pino, destination, pino } from 'pino';
import { CommanderError, parseCli } from './config/cli.js';
import type { Config } from './config/configCodec.js';
import { ConfigError, printable } from './config/resolveConfig.js';
import { createService } from './service.js';

// Memory, measured in docs/benchmarks.md. V8 lets the old generation grow to 4x the live heap
// between full collections when they are cheap next to the program, as they are here: 3.5x was
// measured at 10,000 containers, over 1 GB. A fixed 1.2x keeps RSS near the live heap for a few
// points of CPU; --optimize-for-size trims objects and growing steps (-10 % live heap at 10,000
// containers, below 80 MB at 100). V8 reads both as it goes, so setting them here works (after
// the imports, which is early enough); `--max-semi-space-size=2` is read only at start-up and
// stays on the command line.
setFlagsFromString('--heap-growing-percent=20');
setFlagsFromString('--optimize-for-size');

/** Invalid configuration exits with 2, as usage errors do. */
const EXIT_CONFIG = 2;

function fail(message: string): never {
  process.stderr.write(`docker-stats-service: ${message}\n`);
  process.exit(EXIT_CONFIG);
}

function readConfig(): { config: Config; printConfig: boolean } {
  try {
    return parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT_CONFIG); // --help, --version, bad flags
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

function withToken(config: Config): Config {
  if (config.influxToken !== undefined || config.influxTokenFile === undefined) return config;
  try {
    return { ...config, influxToken: readFileSync(config.influxTokenFile, 'utf8').trim() };
  } catch (error) {
    fail(`invalid config: INFLUX_TOKEN_FILE=${JSON.stringify(config.influxTokenFile)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function logger(config: Config): Pino {
  const options = { level: config.logLevel, redact: { paths: ['influxToken', 'token', '*.influxToken'], censor: '***' } };
  // Readable on a terminal, JSON lines otherwise; always on stderr (stdout may carry points).
  if (process.stderr.isTTY) return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2 } } });
  return pino(options, destination(2));
}

async function main(): Promise<void> {
  const { config: parsed, printConfig } = readConfig();
  if (printConfig) {
    process.stdout.write(`${JSON.stringify(printable(parsed), null, 2)}\n`);
    process.exit(0);
  }
  const config = withToken(parsed);
  const log = logger(config);
  const service = createService(config, { log });
  const { sink } = service;
  // prom-client costs 12 MB of resident memory: loaded only when /metrics is served.
  const daemon = config.metricsPort > 0 ? { ...(await import('./daemon/selfMetrics.js')), ...(await import('./daemon/metricsServer.js')) } : undefined;
  const metrics = daemon?.selfMetrics(service);
  const server = daemon && metrics ? daemon.metricsServer(config.metricsPort, metrics.registry, () => daemon.health(service)) : undefined;
  server?.on('error', (error) => log.error({ port: config.metricsPort, err: String(error) }, 'cannot serve /metrics and /healthz'));
  log.info({ engines: config.dockerHost, sink: sink.description, mode: config.mode, metricsPort: config.metricsPort || 'off' }, 'docker-stats-service started');

  const exit = (code: number): never => {
    sink.close();
    server?.close();
    log.flush();
    process.exit(code);
  };
  service.run$.subscribe({
    next: (event) => metrics?.observe(event),
    error: (error: unknown) => {
      log.fatal({ err: String(error) }, 'the pipeline failed');
      exit(1);
    },
    complete: () => {
      const { pointsWritten: written, pointsDropped: dropped, pointsRejected: rejected } = service.counters;
      const totals = { collected: service.state.pointsCollected, written, dropped, rejected };
      const left = service.buffer.points;
      if (left > 0) log.error({ ...totals, undelivered: left }, 'stopped with points that could not be delivered');
      else log.info(totals, 'stopped; everything collected was delivered');
      exit(0);
    },
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting at once');
      exit(1);
    }
    stopping = true;
    log.info({ signal, timeoutMs: config.shutdownTimeout, buffered: service.buffer.points }, 'stopping: flushing what is buffered');
    service.stop();
    setTimeout(() => {
      log.error({ points: service.buffer.points }, 'shutdown timeout: exiting with points not delivered');
      exit(0);
    }, config.shutdownTimeout).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM')).on('SIGINT', () => stop('SIGINT'));
  process.on('SIGUSR1', () => {
    log.info('SIGUSR1: flushing');
    service.flush();
  });
  // `docker-stats-service | head`: the reader went away.
  process.stdout.on('error', () => exit(0));
}

void main();
