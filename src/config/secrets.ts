import { redactUrl } from '../model/redactUrl.js';
import { type Config, type ConfigKey, configKeys, keySpec } from './keys.js';

/** The keys the key table marks `secret`: their values never appear in an error, a log or --print-config. */
export const secretKeys = (): ConfigKey[] => configKeys().filter((key) => keySpec(key).secret === true);

/** What kind of value a key was given, for an error that must not show the value itself. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a text';
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}

/** A URL key's text with its credentials masked; any other value as it is. */
function masked(key: ConfigKey, value: unknown): unknown {
  return keySpec(key).urlCredentials && typeof value === 'string' ? redactUrl(value) : value;
}

/**
 * A key's value as errors show it: JSON, but a secret key's only by its kind (`*** (a number)`),
 * whatever the value's type, so that an error still says what was wrong without showing it; a
 * URL's credentials masked.
 */
export function shown(key: ConfigKey, value: unknown): string {
  if (keySpec(key).secret && value !== undefined) return `*** (${kindOf(value)})`;
  return JSON.stringify(masked(key, value)) ?? String(value);
}

/**
 * What the user typed where a flag or a file key was expected, cut at its `=`: an unknown
 * `--influx-tokn=...`, or an env-file line `INFLUX_TOKEN=...` read as a YAML key, carries a value.
 */
export const withoutValue = (name: string): string => name.replace(/=[^]*/, '=***');

/** The configuration as --print-config shows it: secret keys masked, and a URL's credentials. */
export function printable(config: Config): Record<string, unknown> {
  const shownConfig: Record<string, unknown> = { ...config };
  for (const key of configKeys()) shownConfig[key] = masked(key, shownConfig[key]);
  for (const key of secretKeys()) if (shownConfig[key] !== undefined) shownConfig[key] = '***';
  return shownConfig;
}

/**
 * The fields pino masks in every log line: each secret key, at the top or one level down (a
 * logged config or options object), and the InfluxDB client's own names for them.
 */
export const LOG_REDACT_PATHS: readonly string[] = [...secretKeys(), 'token', 'password'].flatMap((name) => [
  name,
  `*.${name}`,
]);
