import { isLeft } from 'fp-ts/lib/Either.js';
import { type Config, Config as ConfigCodec, type ConfigKey, KEYS } from './configCodec.js';

/** The values each source gave, before validation. */
export interface ConfigSources {
  /** Flags as parsed (camelCase keys, only those given). */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The config file's keys (the seed's names) and where it was. */
  readonly file?: { readonly path: string; readonly values: Readonly<Record<string, unknown>> };
}

/** Invalid configuration: the message names the key, the value, where it came from and what was expected. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value));

const codecOf = (key: ConfigKey) => ConfigCodec.props[key];

/**
 * Resolves the configuration: for each key the flag, else the environment, else the file, else
 * the default; then each value through its codec. Pure: reading files and argv is the caller's.
 */
export function resolveConfig(sources: ConfigSources): Config {
  const known = new Set(Object.keys(KEYS));
  for (const key of Object.keys(sources.file?.values ?? {})) {
    if (!known.has(key)) throw new ConfigError(`unknown key ${JSON.stringify(key)} in ${sources.file!.path}; known keys: ${[...known].join(', ')}`);
  }
  const config: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const key of Object.keys(KEYS) as ConfigKey[]) {
    const spec = KEYS[key];
    const flag = sources.flags?.[key];
    const env = sources.env?.[spec.env];
    const file = sources.file?.values[key];
    let raw: unknown;
    if (flag !== undefined) [raw, origin[key]] = [flag, `${spec.flag} ${show(flag)}`];
    else if (env !== undefined && env !== '') [raw, origin[key]] = [env, `${spec.env}=${show(env)} (environment)`];
    else if (file !== undefined) [raw, origin[key]] = [file, `${key}: ${show(file)} in ${sources.file!.path}`];
    else [raw, origin[key]] = [spec.default, `default ${key} ${show(spec.default)}`];
    const decoded = codecOf(key).decode(raw);
    if (isLeft(decoded)) throw new ConfigError(`invalid config: ${origin[key]}: expected ${codecOf(key).name}`);
    config[key] = decoded.right;
  }
  const resolved = config as Config;
  if (resolved.batchSize > resolved.maxBatchSize) {
    throw new ConfigError(`invalid config: ${origin.batchSize}: expected at most maxBatchSize (${resolved.maxBatchSize})`);
  }
  // Writing to a terminal or a pipe: points should show at once, not after 10 s.
  if (!resolved.influxUrl && origin.flushInterval?.startsWith('default')) resolved.flushInterval = 1000;
  return resolved;
}

/** The configuration as --print-config shows it: the token masked. */
export function printable(config: Config): Record<string, unknown> {
  return { ...config, influxToken: config.influxToken === undefined ? undefined : '***' };
}
