import { hostname } from 'node:os';
import { type Observable, filter, firstValueFrom, map, tap } from 'rxjs';
import { alertRulesOf } from '../app/alerting.js';
import { connectEngines } from '../app/collect.js';
import { statusIntervalMs } from '../app/enginePoints.js';
import { CommanderError } from '../config/cli.js';
import type { Config } from '../config/keys.js';
import { ConfigError } from '../config/resolveConfig.js';
import { writeStderr } from '../daemon/logger.js';
import { type Engine, EngineConfigError, closeEngine } from '../sources/engine/engine.js';
import type { Logger } from '../model/logger.js';
import { settledRows } from '../view/settledRows.js';
import { jsonLines, plainTable } from '../view/snapshot.js';
import { visible } from '../view/terminalText.js';
import { type TopOptions, parseTopCli } from './topCli.js';
import { type ViewData, logText, viewFeed } from './viewFeed.js';

/** The longest a snapshot waits for two samples of every container: three refreshes and two seconds. */
const snapshotWaitMs = (refreshMs: number): number => 3 * refreshMs + 2000;

// Warnings and errors carry the engine's text: made visible line by line, the stack's lines kept.
const say = (text: string): void =>
  writeStderr(`docker-stats-service top: ${text.split('\n').map(visible).join('\n')}\n`);

/** A snapshot's warnings: one plain line each on stderr, as a command-line tool writes them. */
const plainLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => say(logText(obj, msg ?? 'warning')),
  error: (obj, msg) => say(logText(obj, msg ?? 'error')),
};

function options(argv: readonly string[]): TopOptions | number {
  try {
    return parseTopCli(argv, process.env);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError) {
      say(error.message);
      return 2;
    }
    throw error;
  }
}

/**
 * `docker-stats-service top`: the live view on a terminal; piped, or with --once, one snapshot
 * as a table or JSON lines. Resolves to the exit code.
 */
export async function runTop(argv: readonly string[]): Promise<number> {
  const parsed = options(argv);
  if (typeof parsed === 'number') return parsed;
  const { config, daemon, once, format, sort } = parsed;
  const interactive = !once && process.stdout.isTTY === true && process.stdin.isTTY === true;
  // On the live screen the last warning shows in the header; a snapshot writes them to stderr.
  let view$: Observable<ViewData>;
  let engines: Engine[] = [];
  try {
    // Without a daemon, the rules in force run here (a bad rule file is a configuration error: exit 2).
    const rules = daemon ? [] : alertRulesOf(config);
    engines = connectEngines(config);
    view$ = viewFeed(config, {
      engines,
      rules,
      ...(daemon ? { daemon } : {}),
      ...(interactive ? {} : { log: plainLogger }),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      say(error.message);
      return 2;
    }
    if (!(error instanceof EngineConfigError)) throw error;
    say(`invalid config: ${error.message}`); // an unreadable TLS file, as the daemon says it
    return 2;
  }
  try {
    return interactive ? await live(view$, config, sort) : await snapshot(view$, config, format, daemon !== undefined);
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    engines.forEach(closeEngine); // made here, given to the feed: this command lets them go
  }
}

/**
 * One snapshot on stdout; exit code 1 when an engine did not answer, or the daemon asked for
 * (`--daemon`, whose alerts the rows carry) did not.
 */
async function snapshot(
  view$: Observable<ViewData>,
  config: Config,
  format: TopOptions['format'],
  daemon: boolean,
): Promise<number> {
  const wait = snapshotWaitMs(statusIntervalMs(config));
  // The rows settle; the view they came with says which engines did not answer. With a daemon,
  // only views that have read it (it answers or fails within its 2 s timeout): rows with alerts.
  let latest: ViewData | undefined;
  const rows = await firstValueFrom(
    view$.pipe(
      filter((v) => !daemon || v.header.daemon !== undefined),
      tap((v) => (latest = v)),
      map((v) => v.rows),
      settledRows(wait),
    ),
  );
  const read = latest?.header.daemon;
  const alerts = latest?.alerts;
  process.stdout.write(format === 'json' ? jsonLines(rows, alerts) : plainTable(rows));
  const unreachable = [
    ...(latest?.unreachable ?? []),
    ...(read && 'error' in read ? [`cannot read the daemon at ${read.url}: ${read.error}`] : []),
  ];
  for (const problem of unreachable) say(problem);
  return unreachable.length > 0 ? 1 : 0;
}

async function live(view$: Observable<ViewData>, config: Config, sort: string): Promise<number> {
  const initial: ViewData = {
    rows: [],
    header: { host: hostname(), engine: config.dockerHost.join(', '), source: config.statsSource },
    unreachable: [],
  };
  // ink and react load for the live screen alone: a snapshot starts without them. React's
  // development build (its default) costs the screen several times more CPU.
  process.env.NODE_ENV ||= 'production';
  const { liveScreen } = await import('./liveScreen.js');
  await liveScreen(view$, initial, sort);
  return 0;
}
