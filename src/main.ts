#!/usr/bin/env -S node --max-semi-space-size=2
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { Logger as Pino } from 'pino';
import { fromEvent, map, merge } from 'rxjs';
import { SpoolError } from './app/sinksFor.js';
import { CommanderError, parseCli } from './config/cli.js';
import { type Config, type ConfigKey, keySpec } from './config/keys.js';
import { ConfigError } from './config/resolveConfig.js';
import { printable } from './config/secrets.js';
import { SpoolLockedError } from './deliver/spool/spoolLock.js';
import { SpoolTakenError } from './daemon/holdSpool.js';
import { daemonLogger, writeStderr } from './daemon/logger.js';
import { MetricsPortError } from './daemon/metricsServer.js';
import { ForcedStopError, runDaemon } from './daemon/runDaemon.js';
import { EngineConfigError } from './sources/engine/engine.js';
import { probeSocketPause } from './parse/pauseReading.js';

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

const sayUsage = (message: string): void => writeStderr(`docker-stats-service: ${message}\n`);

function fail(message: string): never {
  sayUsage(message);
  process.exit(EXIT.usage);
}

/** The configuration from the command line, the environment and a config file; --print-config prints it and exits. */
function readConfig(): Config {
  let parsed: { config: Config; printConfig: boolean };
  try {
    parsed = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    // --help and --version exit 0; a bad flag is a usage error
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? EXIT.stopped : EXIT.usage);
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (parsed.printConfig) {
    process.stdout.write(`${JSON.stringify(printable(parsed.config), null, 2)}\n`);
    process.exit(EXIT.stopped);
  }
  return parsed.config;
}

/** Each key read from a file (INFLUX_TOKEN_FILE, ...), and the file key that names it. */
const SECRET_FILES = [
  ['influxToken', 'influxTokenFile'],
  ['influxPassword', 'influxPasswordFile'],
  ['remoteWriteUsername', 'remoteWriteUsernameFile'],
  ['remoteWritePassword', 'remoteWritePasswordFile'],
  ['remoteWriteBearerToken', 'remoteWriteBearerTokenFile'],
  ['alertWebhookToken', 'alertWebhookTokenFile'],
] as const satisfies readonly (readonly [ConfigKey, ConfigKey])[];

/** A secret read from its file unless given itself. */
function withSecretFile(config: Config, [secret, fileKey]: (typeof SECRET_FILES)[number]): Config {
  const file = config[fileKey];
  if (config[secret] !== undefined || file === undefined) return config;
  try {
    return { ...config, [secret]: readFileSync(file, 'utf8').trim() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    fail(`invalid config: ${keySpec(fileKey).env}=${JSON.stringify(file)}: cannot read it (${code})`);
  }
}

const withSecrets = (config: Config): Config => SECRET_FILES.reduce(withSecretFile, config);

async function logger(config: Config): Promise<Pino> {
  const log = daemonLogger(config.logLevel, process.stderr.isTTY === true);
  if (!(await probeSocketPause()))
    log.warn({ node: process.version }, 'cannot stop socket reads on this Node: streams pause with pause() alone');
  return log;
}

/** What a configuration the daemon cannot start with says, or undefined for any other error. */
function usageMessage(error: unknown): string | undefined {
  if (error instanceof SpoolError || error instanceof SpoolLockedError || error instanceof MetricsPortError)
    return error.message;
  if (error instanceof EngineConfigError) return `invalid config: ${error.message}`;
  if (error instanceof ConfigError) return error.message; // an OUTPUT file that cannot be opened
  return undefined;
}

/** The exit code of a run that failed; says why unless the run has said it. */
function exitCode(error: unknown, log: Pino): number {
  const usage = usageMessage(error);
  if (usage !== undefined) {
    sayUsage(usage);
    return EXIT.usage;
  }
  if (error instanceof SpoolTakenError) return EXIT.spoolTaken;
  if (error instanceof ForcedStopError) return EXIT.forced;
  log.fatal({ err: error }, 'the pipeline failed');
  return EXIT.failed;
}

/**
 * Runs the daemon until it ends, stopped by SIGTERM or SIGINT (a second one: at once), flushed
 * by SIGUSR1, ended quietly when stdout's reader goes away (`| head`, as Unix tools do); resolves
 * to the exit code once the run has let go of what it held.
 */
function run(config: Config, log: Pino): Promise<number> {
  const signal = (name: string) => fromEvent(process, name).pipe(map(() => name));
  // The cgroup source's `read`: wall-clock ms, with sub-ms digits so that records a ms apart stay apart.
  const clock = (): number => Date.now() + (performance.now() % 1);
  return new Promise((resolve) => {
    runDaemon(config, {
      log,
      clock,
      stop$: merge(signal('SIGTERM'), signal('SIGINT')),
      flush$: signal('SIGUSR1'),
      quit$: fromEvent(process.stdout, 'error'),
    }).subscribe({
      error: (error: unknown) => resolve(exitCode(error, log)),
      complete: () => resolve(EXIT.stopped),
    });
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === 'top') {
    // The live view and its terminal library load only for `top` (kept out of the daemon's bundle).
    const { runTop } = await import('./top/topCommand.js');
    const code = await runTop(process.argv.slice(3));
    process.stdout.write('', () => process.exit(code));
    return;
  }
  const config = withSecrets(readConfig());
  const log = await logger(config);
  process.exit(await run(config, log));
}

void main();
