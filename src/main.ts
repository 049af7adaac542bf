#!/usr/bin/env -S node --max-semi-space-size=2
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { SpoolError } from './app/bufferFor.js';
import { createService } from './app/service.js';
import { CommanderError, parseCli } from './config/cli.js';
import { type SpoolLock, SpoolLockedError, lockSpool } from './deliver/spool/spoolLock.js';
import { RELOCK_EVERY_MS, relockSpool } from './deliver/spool/spoolRelock.js';
import type { Config } from './config/keys.js';
import { ConfigError } from './config/resolveConfig.js';
import { printable } from './config/secrets.js';
import { EngineConfigError } from './sources/engine/engine.js';
import { daemonLogger, writeStderr } from './daemon/logger.js';
import { type StopTotals, stopSummary } from './daemon/stopSummary.js';
import { probeSocketPause } from './parse/pauseReading.js';
import { health } from './telemetry/telemetryState.js';

// Memory (docs/benchmarks.md, section 3): V8 lets the old generation grow to several times the
// live heap between full collections when they are cheap next to the program, as they are here.
// A fixed small growth keeps RSS near the live heap for a little CPU; --optimize-for-size
// trims objects and growing steps. V8 reads both as it goes, so setting them here works (after
// the imports, which is early enough); `--max-semi-space-size=2` is read only at start-up and
// stays on the command line.
setFlagsFromString('--heap-growing-percent=20');
setFlagsFromString('--optimize-for-size');

/** Exit codes (README, "Exit codes"). */
const EXIT = { stopped: 0, failed: 1, forced: 1, usage: 2, spoolTaken: 2 } as const;

function fail(message: string): never {
  writeStderr(`docker-stats-service: ${message}\n`);
  process.exit(EXIT.usage);
}

function readConfig(): { config: Config; printConfig: boolean } {
  try {
    return parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    // --help and --version exit 0; a bad flag is a usage error
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? EXIT.stopped : EXIT.usage);
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/** A secret read from its file (INFLUX_TOKEN_FILE, INFLUX_PASSWORD_FILE) unless given itself. */
function withSecretFile(config: Config, secret: 'influxToken' | 'influxPassword', file: string | undefined): Config {
  if (config[secret] !== undefined || file === undefined) return config;
  try {
    return { ...config, [secret]: readFileSync(file, 'utf8').trim() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const name = secret === 'influxToken' ? 'INFLUX_TOKEN_FILE' : 'INFLUX_PASSWORD_FILE';
    fail(`invalid config: ${name}=${JSON.stringify(file)}: cannot read it (${code})`);
  }
}

const withSecrets = (config: Config): Config =>
  withSecretFile(
    withSecretFile(config, 'influxToken', config.influxTokenFile),
    'influxPassword',
    config.influxPasswordFile,
  );

async function lockSpoolDir(dir: string): Promise<SpoolLock> {
  try {
    return await lockSpool(dir);
  } catch (error) {
    if (error instanceof SpoolLockedError) fail(error.message);
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    fail(`invalid config: SPOOL_DIR=${JSON.stringify(dir)}: cannot lock it (${code})`);
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'top') {
    // The live view and its terminal library load only for `top` (kept out of the daemon's bundle).
    const { runTop } = await import('./top/topCommand.js');
    const code = await runTop(process.argv.slice(3));
    process.stdout.write('', () => process.exit(code));
    return;
  }
  const { config: parsed, printConfig } = readConfig();
  if (printConfig) {
    process.stdout.write(`${JSON.stringify(printable(parsed), null, 2)}\n`);
    process.exit(EXIT.stopped);
  }
  const config = withSecrets(parsed);
  const log = daemonLogger(config.logLevel, process.stderr.isTTY === true);
  if (!(await probeSocketPause()))
    log.warn({ node: process.version }, 'cannot stop socket reads on this Node: streams pause with pause() alone');
  // The cgroup source's `read`: wall-clock ms, with sub-ms digits so that records a ms apart stay apart.
  const clock = (): number => Date.now() + (performance.now() % 1);
  // One daemon a spool: a second one on the same folder would delete the first's segments.
  let lock = config.spoolDir === undefined ? undefined : await lockSpoolDir(config.spoolDir);
  if (lock?.unlocked)
    log.warn(
      { spoolDir: config.spoolDir, code: lock.unlocked, retryMs: RELOCK_EVERY_MS },
      'SPOOL_DIR cannot take its lock (the disk refuses it): running without one, trying it again until taken',
    );
  // Set when another daemon took the spool while it ran unlocked: this one stops, and says so by its exit code.
  let spoolTaken = false;
  let service: ReturnType<typeof createService>;
  try {
    service = createService(config, { log, clock });
  } catch (error) {
    if (error instanceof SpoolError) fail(error.message);
    if (error instanceof EngineConfigError) fail(`invalid config: ${error.message}`);
    throw error;
  }
  const { sink } = service;

  let server: Server | undefined;
  if (config.metricsPort > 0) {
    // prom-client adds resident memory (docs/benchmarks.md, section 2): loaded only when /metrics is served.
    const { selfMetrics } = await import('./daemon/selfMetrics.js');
    const { MetricsPortError, metricsServer } = await import('./daemon/metricsServer.js');
    const { loopHeartbeat } = await import('./daemon/liveness.js');
    const capacity = config.spoolDir !== undefined ? config.maxSpoolSize : config.maxBufferSize;
    const registry = selfMetrics(service.snapshot, service.telemetry$, capacity);
    // Liveness is the event loop's alone: an outage of the database or an engine is readiness's.
    const heartbeat = loopHeartbeat();
    try {
      server = await metricsServer(config.metricsPort, registry, {
        live: heartbeat.check,
        ready: () => health(service.snapshot()),
      });
    } catch (error) {
      if (error instanceof MetricsPortError) fail(error.message);
      throw error;
    }
  }
  log.info(
    { engines: config.dockerHost, sink: sink.description, mode: config.mode, metricsPort: config.metricsPort || 'off' },
    'docker-stats-service started',
  );

  const totals = (): StopTotals => {
    const s = service.snapshot();
    return {
      collected: s.pointsCollected,
      written: s.pointsWritten,
      dropped: s.pointsDropped,
      rejected: s.pointsRejected,
    };
  };
  // A spool: durable, and kept for the next start, but for what its disk refused to the end.
  let refused: number | undefined;
  const closeBuffer = (): number => (refused ??= service.buffer.close?.() ?? 0);
  const exit = (code: number): never => {
    if (refused === undefined && closeBuffer() > 0)
      log.error({ points: refused }, 'the spool disk refused points held in memory: they are lost with the process');
    lock?.release();
    sink.close();
    server?.close();
    process.exit(spoolTaken && code === EXIT.stopped ? EXIT.spoolTaken : code);
  };
  service.run$.subscribe({
    error: (err: unknown) => {
      log.fatal({ err }, 'the pipeline failed');
      exit(EXIT.failed);
    },
    complete: () => {
      const lost = closeBuffer();
      const left = service.buffer.points - lost;
      const { level, fields, msg } = stopSummary(totals(), left, config.spoolDir !== undefined, lost);
      log[level](fields, msg);
      exit(EXIT.stopped);
    },
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting at once');
      exit(EXIT.forced);
    }
    stopping = true;
    log.info(
      { signal, timeoutMs: config.shutdownTimeout, buffered: service.buffer.points },
      'stopping: flushing what is buffered',
    );
    service.stop();
    setTimeout(() => {
      // Not delivered: what waits in the buffer and what was taken from it to be written.
      const buffered = service.buffer.points;
      const inFlight = service.snapshot().inFlightPoints;
      log.error(
        { ...totals(), points: buffered + inFlight, buffered, inFlight },
        'shutdown timeout: exiting with points not delivered',
      );
      exit(EXIT.stopped);
    }, config.shutdownTimeout).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM')).on('SIGINT', () => stop('SIGINT'));
  if (lock?.unlocked && config.spoolDir !== undefined) {
    const spoolDir = config.spoolDir;
    relockSpool(() => lockSpool(spoolDir)).subscribe({
      next: (taken) => {
        lock = taken;
        log.info({ spoolDir }, 'SPOOL_DIR is locked again: a second daemon on it is refused');
      },
      error: (error: unknown) => {
        // Two daemons wrote it while neither could lock it; the one that took the lock keeps it.
        log.error({ spoolDir }, `${String((error as Error).message)}; stopping`);
        spoolTaken = true;
        if (!stopping) stop('SPOOL_DIR taken by another daemon');
      },
    });
  }
  process.on('SIGUSR1', () => {
    log.info({}, 'SIGUSR1: flushing');
    service.flush();
  });
  // `docker-stats-service | head`: the reader went away; end quietly, as Unix tools do.
  process.stdout.on('error', () => exit(EXIT.stopped));
}

void main();
