import { Command, Option } from 'commander';
import { VERSION, configOf, withConfigOptions } from '../config/cli.js';
import type { Config, ConfigKey } from '../config/keys.js';
import { ConfigError } from '../config/resolveConfig.js';
import { COLUMNS } from '../view/columns.js';

export interface TopOptions {
  readonly config: Config;
  /** One snapshot and exit (also when stdout is not a terminal). */
  readonly once: boolean;
  readonly format: 'table' | 'json';
  /** A daemon's address (`http://host:9417`), whose /metrics and /readyz the header shows. */
  readonly daemon?: string;
  /** The column the list is first sorted by. */
  readonly sort: string;
}

/** The config keys the view reads (a config file may hold the others: they are ignored). */
const VIEW_KEYS: readonly ConfigKey[] = [
  'dockerHost',
  'hostTag',
  'statsSource',
  'mode',
  'sampleInterval',
  'pollInterval',
  'readInterval',
  'maxConcurrentPolls',
  'hostProc',
  'hostCgroup',
  'includeNames',
  'excludeNames',
  'includeLabels',
  'excludeLabels',
  'includeStates',
  'excludeStates',
];

/** `docker-stats-service top`'s command line: its own flags and the daemon's flags for what it watches. */
export function topProgram(): Command {
  const cmd = new Command('docker-stats-service top')
    .description(
      'A live view of the containers: CPU, memory, network, block I/O, state, restarts, against their limits. ' +
        'Keys: a column key sorts (again: reversed), / filters by name, Enter shows one container, q quits.',
    )
    .version(VERSION, '-V, --version')
    .option('--once', 'print one snapshot and exit (also when stdout is not a terminal)')
    .addOption(new Option('--format <format>', 'snapshot format').choices(['table', 'json']).default('table'))
    .option(
      '--daemon <url>',
      "a running daemon's /metrics address (http://host:9417): its pipeline health and firing alerts in the header",
    )
    .addOption(
      new Option('--sort <column>', 'the column sorted by at start').choices(COLUMNS.map((c) => c.id)).default('cpu'),
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError();
  return withConfigOptions(cmd, VIEW_KEYS);
}

/** The daemon's base address, from `http://host:9417`, `http://host:9417/metrics` or `host:9417`. */
export function daemonBase(text: string): string {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new ConfigError(`--daemon ${JSON.stringify(text)} is not an address: give http://host:9417`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`--daemon ${JSON.stringify(text)}: only http:// and https:// addresses serve /metrics`);
  return `${url.origin}${url.pathname.replace(/\/(metrics|healthz|livez|readyz)?\/?$/, '')}`;
}

/**
 * The view's configuration: the daemon's, but every measurement and field (the columns need
 * them) and every label as a tag (the detail view shows them), whatever FIELDS or TAG_LABELS say.
 */
export const viewConfig = (config: Config): Config => ({
  ...config,
  measurements: [],
  fields: [],
  fieldsExclude: [],
  tagLabels: ['**'],
  tagLabelsExclude: [],
  imageTag: true,
});

/** Parses `top`'s arguments (after the word `top`); throws ConfigError or CommanderError as `parseCli` does. */
export function parseTopCli(argv: readonly string[], env: NodeJS.ProcessEnv): TopOptions {
  const cmd = topProgram();
  cmd.parse([...argv], { from: 'user' });
  const opts = cmd.opts<{ once?: boolean; format: 'table' | 'json'; daemon?: string; sort: string }>();
  return {
    config: viewConfig(configOf(cmd, env)),
    once: opts.once === true,
    format: opts.format,
    sort: opts.sort,
    ...(opts.daemon !== undefined ? { daemon: daemonBase(opts.daemon) } : {}),
  };
}
