import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import type { YAMLError } from 'yaml';
import { shownDefault } from './configTable.js';
import { type Config, type ConfigKey, configKeys, keySpec } from './keys.js';
import { ConfigError, type ConfigSources, resolveConfig } from './resolveConfig.js';
import { secretAlias } from './secretAliases.js';
import { secretKeys, withoutValue } from './secrets.js';

export interface CliResult {
  readonly config: Config;
  readonly printConfig: boolean;
}

/**
 * The package's version: package.json is one folder up from the bundle (dist/daemon.js), two
 * from src/config, three from dist/src/config.
 */
function packageVersion(): string {
  for (const up of ['../package.json', '../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'docker-stats-service' && pkg.version) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}
export const VERSION = packageVersion();

/**
 * Adds one flag per config key (or per key of `keys`), with its variable and default in the help,
 * and --config. Commander's error for an unknown `--flag=value` shows the flag without its value:
 * a mistyped `--influx-pasword=...` holds a secret.
 */
export function withConfigOptions(cmd: Command, keys: readonly ConfigKey[] = configKeys()): Command {
  cmd.configureOutput({
    outputError: (text, write) => write(text.replace(/'(-[^'\s]*=.*)'/g, (_, arg: string) => `'${withoutValue(arg)}'`)),
  });
  cmd.option(
    '-c, --config <path>',
    'JSON or YAML config file with the keys of the README (batchSize, flushInterval, ...)',
  );
  for (const key of keys) {
    const spec = keySpec(key);
    const fallback = spec.derived ? `${shownDefault(spec.default)}; ${spec.derived.doc}` : shownDefault(spec.default);
    cmd.addOption(
      new Option(`${spec.flag} <value>`, `${spec.doc} (default: ${fallback.replace(/`/g, '')})`).env(spec.env),
    );
  }
  return cmd;
}

/** The command line: one flag per config key, plus --config, --print-config, --help, --version. */
export function program(): Command {
  const cmd = new Command('docker-stats-service')
    .description("Streams every Docker container's stats (CPU, memory, network, block I/O) into InfluxDB.")
    .version(VERSION, '-V, --version')
    .option('--print-config', 'print the resolved configuration (token shown as ***) and exit')
    .addHelpText(
      'after',
      '\nCommands:\n  top    a live view of the containers in the terminal (docker-stats-service top --help)',
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError();
  return withConfigOptions(cmd);
}

/**
 * Where a config file does not parse, without yaml's excerpt of the file or the text its messages
 * quote (an alias's name, an escape, a tag): that text may be a secret's value. Line and column
 * are enough to find it; values starting with `*`, `&`, `!`, `@` or `%` are the usual cause.
 */
function parseFailure(error: Error): string {
  const { code, linePos } = error as Partial<YAMLError>;
  if (code !== undefined && linePos !== undefined)
    return `${code} at line ${linePos[0].line}, column ${linePos[0].col}`;
  // Not yaml's own error (an alias with no anchor): its message ends with the alias's name.
  return `${error.message.split(':')[0]} (quote values that start with * & ! @ or %)`;
}

/** Reads a config file: YAML, which JSON is a subset of. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let values: unknown;
  // yaml adds resident memory (docs/benchmarks.md, section 2): loaded only when there is a file to read.
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  let doc: import('yaml').Document;
  try {
    // Warnings (an unknown tag or directive) would be printed with an excerpt of the file.
    doc = yaml.parseDocument(text, { logLevel: 'error' });
    if (doc.errors[0]) throw doc.errors[0];
    const shared = secretAlias(doc, new Set(secretKeys()), text, yaml);
    if (shared)
      throw new ConfigError(
        `invalid config: ${shared.key} at line ${shared.line}, column ${shared.column} of ${path}: a secret's value ` +
          'cannot be a YAML anchor (&) or alias (*), which would show it under another key; write it out ' +
          '(quoted if it starts with & or *)',
      );
    values = doc.toJS();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`the config file ${path} is neither JSON nor YAML: ${parseFailure(error as Error)}`);
  }
  if (values === null || values === undefined) return {};
  if (typeof values !== 'object' || Array.isArray(values))
    throw new ConfigError(`the config file ${path} must hold a map of keys to values`);
  return values as Record<string, unknown>;
}

/**
 * Parses argv and the environment into the configuration. Throws ConfigError (exit code 2) for
 * bad values, and CommanderError for --help / --version (exit 0) or unknown flags (exit 2).
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliResult {
  const cmd = program();
  cmd.parse([...argv], { from: 'user' });
  return { config: configOf(cmd, env), printConfig: cmd.opts().printConfig === true };
}

/** The configuration from a parsed command's config flags, the environment and the --config file. */
export function configOf(cmd: Command, env: NodeJS.ProcessEnv): Config {
  const opts = cmd.opts<Record<string, unknown>>();
  // Commander folds the environment into opts; keep flags alone so precedence stays ours.
  const flags: Record<string, unknown> = {};
  for (const key of configKeys()) if (cmd.getOptionValueSource(key) === 'cli') flags[key] = opts[key];
  const configPath = typeof opts.config === 'string' ? opts.config : undefined;
  const sources: ConfigSources = {
    flags,
    env,
    ...(configPath ? { file: { path: configPath, values: readConfigFile(configPath) } } : {}),
  };
  return resolveConfig(sources);
}

export { CommanderError };
