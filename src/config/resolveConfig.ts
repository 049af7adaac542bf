import { isLeft } from 'fp-ts/lib/Either.js';
import { parseDockerHost } from '../sources/engine/dockerHost.js';
import { type Config, type ConfigKey, configKeys, keySpec } from './keys.js';
import { telegramTarget } from '../deliver/alert/webhookTelegram.js';
import { parseHeaders } from './inputCodecs.js';
import { shown, withoutValue } from './secrets.js';

/** The values each source gave, before validation. */
export interface ConfigSources {
  /** Flags as parsed (camelCase keys, only those given). */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The config file's keys (the key names of the table) and where it was. */
  readonly file?: { readonly path: string; readonly values: Readonly<Record<string, unknown>> };
}

/**
 * Invalid configuration: the message names the key, the value (a secret key's only by its kind),
 * where it came from and what was expected.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The value a source gave a key, and how to name that source in an error. */
function given(key: ConfigKey, sources: ConfigSources): { raw: unknown; origin: string } | undefined {
  const spec = keySpec(key);
  const flag = sources.flags?.[key];
  const env = sources.env?.[spec.env];
  const file = sources.file?.values[key];
  if (flag !== undefined) return { raw: flag, origin: `${spec.flag} ${shown(key, flag)}` };
  if (env !== undefined && env !== '') return { raw: env, origin: `${spec.env}=${shown(key, env)} (environment)` };
  if (file !== undefined) return { raw: file, origin: `${key}: ${shown(key, file)} in ${sources.file!.path}` };
  return undefined;
}

/**
 * Resolves the configuration: for each key the flag, else the environment, else the file, else
 * its default (a derived default when the table gives one, e.g. a 1 s flush interval when points
 * go to stdout); then each value through its codec. Pure: reading files and argv is the caller's.
 */
export function resolveConfig(sources: ConfigSources): Config {
  const known = new Set<string>(configKeys());
  for (const name of Object.keys(sources.file?.values ?? {})) {
    if (!known.has(name))
      throw new ConfigError(
        `unknown key ${JSON.stringify(withoutValue(name))} in ${sources.file!.path}; known keys: ${[...known].join(', ')}`,
      );
  }
  const config: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const defaulted: ConfigKey[] = [];
  for (const key of configKeys()) {
    const spec = keySpec(key);
    const value = given(key, sources);
    if (!value) defaulted.push(key);
    const raw = value ? value.raw : spec.default;
    origin[key] = value?.origin ?? `default ${key} ${shown(key, spec.default)}`;
    const decoded = spec.codec.decode(raw);
    if (isLeft(decoded)) {
      // A codec may say why (an engine address: the parser's reason); a secret's never does.
      const why = spec.secret ? undefined : decoded.left.find((e) => e.message)?.message;
      throw new ConfigError(`invalid config: ${origin[key]}: ${why ? `${why}; ` : ''}expected ${spec.codec.name}`);
    }
    config[key] = decoded.right;
  }
  for (const key of defaulted) {
    const derived = keySpec(key).derived?.value(config);
    if (derived !== undefined) config[key] = derived;
  }
  const resolved = config as Config;
  if (resolved.batchSize > resolved.maxBatchSize) {
    throw new ConfigError(
      `invalid config: ${origin.batchSize}: expected at most maxBatchSize (${resolved.maxBatchSize})`,
    );
  }
  // DOCKER_TLS_VERIFY / DOCKER_TLS with no engine named: refused, as parseDockerHost refuses it (see there).
  const tlsAlone = defaulted.includes('dockerHost')
    ? parseDockerHost({ ...sources.env, DOCKER_HOST: undefined })
    : undefined;
  if (tlsAlone && isLeft(tlsAlone)) throw new ConfigError(`invalid config: ${tlsAlone.left}`);
  if (resolved.influxDb !== undefined && resolved.influxUrl === undefined) {
    throw new ConfigError(`invalid config: ${origin.influxDb}: expected INFLUX_URL too (the InfluxDB 1.x server)`);
  }
  remoteWriteChecks(resolved, origin);
  alertChecks(resolved, origin);
  return resolved;
}

/** The protocol's own headers, and the authentication's: REMOTE_WRITE_HEADERS cannot set them. */
const OWN_HEADERS = new Set([
  'content-encoding',
  'content-type',
  'user-agent',
  'x-prometheus-remote-write-version',
  'authorization',
]);

/** Remote write's keys, together: a URL for the rest, one way to authenticate, no protocol header replaced. */
function remoteWriteChecks(config: Config, origin: Readonly<Record<string, string>>): void {
  const set = (key: ConfigKey): boolean => config[key] !== undefined;
  const needsUrl: ConfigKey[] = [
    'remoteWriteUsername',
    'remoteWriteUsernameFile',
    'remoteWritePassword',
    'remoteWritePasswordFile',
    'remoteWriteBearerToken',
    'remoteWriteBearerTokenFile',
    'remoteWriteHeaders',
  ];
  const lone = needsUrl.find(set);
  if (lone && !set('remoteWriteUrl'))
    throw new ConfigError(`invalid config: ${origin[lone]}: expected REMOTE_WRITE_URL too (the remote-write endpoint)`);
  const basic = (
    ['remoteWriteUsername', 'remoteWriteUsernameFile', 'remoteWritePassword', 'remoteWritePasswordFile'] as const
  ).find(set);
  const bearer = (['remoteWriteBearerToken', 'remoteWriteBearerTokenFile'] as const).find(set);
  if (basic && bearer)
    throw new ConfigError(
      `invalid config: ${origin[bearer]}: expected either a bearer token or a user name and password for remote write, not both (${keySpec(basic).env} is set too)`,
    );
  const headers = parseHeaders(config.remoteWriteHeaders ?? '');
  if (typeof headers === 'string') throw new ConfigError(`invalid config: REMOTE_WRITE_HEADERS: ${headers}`);
  const own = Object.keys(headers).find((name) => OWN_HEADERS.has(name.toLowerCase()));
  if (own)
    throw new ConfigError(
      `invalid config: REMOTE_WRITE_HEADERS: ${JSON.stringify(own)} is remote write's own header (set by the protocol or the authentication keys); expected other headers`,
    );
}

/** The webhook's keys need its URL; a Telegram webhook needs its chat (told at start, not at the first alert). */
function alertChecks(config: Config, origin: Readonly<Record<string, string>>): void {
  const webhookOnly = (['alertTelegramChatId', 'alertWebhookToken', 'alertWebhookTokenFile'] as const).find(
    (key) => config[key] !== undefined,
  );
  if (webhookOnly && config.alertWebhookUrl === undefined)
    throw new ConfigError(`invalid config: ${origin[webhookOnly]}: expected ALERT_WEBHOOK_URL too (the webhook)`);
  if (config.alertWebhookToken !== undefined && config.alertWebhookTokenFile !== undefined)
    throw new ConfigError(
      'invalid config: ALERT_WEBHOOK_TOKEN and ALERT_WEBHOOK_TOKEN_FILE are both set: expected one of them',
    );
  if (config.alertTelegramChatId !== undefined && config.alertWebhookFormat !== 'telegram')
    throw new ConfigError(`invalid config: ${origin.alertTelegramChatId}: expected ALERT_WEBHOOK_FORMAT=telegram too`);
  if (config.alertWebhookUrl !== undefined && config.alertWebhookFormat === 'telegram') {
    try {
      telegramTarget(config.alertWebhookUrl, config.alertTelegramChatId);
    } catch (error) {
      throw new ConfigError(
        `invalid config: ALERT_WEBHOOK_URL (telegram): ${(error as Error).message} or ALERT_TELEGRAM_CHAT_ID`,
      );
    }
  }
}
