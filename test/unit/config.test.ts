import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, program } from '../../src/config/cli.js';
import { KEYS } from '../../src/config/keys.js';
import { ConfigError, resolveConfig } from '../../src/config/resolveConfig.js';
import { printable } from '../../src/config/secrets.js';
import { redactUrl } from '../../src/model/redactUrl.js';

const dir = mkdtempSync(join(tmpdir(), 'dss-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const ENGINES =
  'expected one or more comma-separated unix://, tcp://, npipe://, http:// or https:// engine addresses (for ssh://, forward the socket: ssh -L)';

/** The message of what `run` throws. */
function thrown(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('it did not throw');
}

describe('configuration', () => {
  it('has the seed’s defaults', () => {
    const config = resolveConfig({ env: { INFLUX_URL: 'http://127.0.0.1:8086' } });
    expect(config).toMatchObject({
      batchSize: 1000,
      flushInterval: 10_000,
      maxRetries: 3,
      maxBatchSize: 10_000,
      maxBufferSize: 50_000_000,
      compression: true,
      bufferPolicy: 'drop-oldest',
      mode: 'stream',
      dockerHost: ['unix:///var/run/docker.sock'],
      includeStates: ['running'],
    });
  });

  it('takes flags over the environment over the file over defaults', () => {
    const path = file('precedence.yaml', 'batchSize: 100\nflushInterval: 2000\nmaxRetries: 1\ncompression: false\n');
    const { config } = parseCli(['--config', path, '--batch-size', '300'], {
      BATCH_SIZE: '200',
      FLUSH_INTERVAL_MS: '3000',
      INFLUX_URL: 'http://x:1',
    });
    expect([
      config.batchSize,
      config.flushInterval,
      config.maxRetries,
      config.compression,
      config.bufferPolicy,
    ]).toEqual([300, 3000, 1, false, 'drop-oldest']);
  });

  it('reads the seed’s keys from JSON as well, with the size string', () => {
    const path = file(
      'seed.json',
      JSON.stringify({
        batchSize: 5000,
        flushInterval: 5000,
        compression: true,
        maxBatchSize: 10000,
        maxBufferSize: '50MB',
        maxRetries: 5,
      }),
    );
    const { config } = parseCli(['--config', path], {});
    expect([config.batchSize, config.maxBufferSize, config.maxRetries]).toEqual([5000, 50_000_000, 5]);
  });

  it.each([
    [
      { BATCH_SIZE: 'lots' },
      [],
      'invalid config: BATCH_SIZE="lots" (environment): expected a whole number from 1 to 1000000',
    ],
    [{}, ['--max-retries', '9'], 'invalid config: --max-retries "9": expected a whole number from 0 to 5'],
    [{ MODE: 'push' }, [], 'invalid config: MODE="push" (environment): expected one of stream, poll'],
    [
      { MAX_BUFFER_SIZE: 'huge' },
      [],
      `invalid config: MAX_BUFFER_SIZE="huge" (environment): expected a size such as '50MB', '64MiB' or a number of bytes`,
    ],
    [
      { INFLUX_URL: 'ftp://db' },
      [],
      'invalid config: INFLUX_URL="ftp://db" (environment): expected an http:// or https:// URL',
    ],
    [
      { DOCKER_HOST: 'ssh://me@box' },
      [],
      'invalid config: DOCKER_HOST="ssh://me@box" (environment): "ssh://me@box": ssh:// is not supported: ' +
        'forward the socket (ssh -L /tmp/docker.sock:/var/run/docker.sock host) and use unix://; ' +
        ENGINES,
    ],
    [{ DOCKER_HOST: ' , ' }, [], `invalid config: DOCKER_HOST=" , " (environment): ${ENGINES}`],
    [{}, ['--docker-host', ''], `invalid config: --docker-host "": ${ENGINES}`],
    [
      { BATCH_SIZE: '20000' },
      [],
      'invalid config: BATCH_SIZE="20000" (environment): expected at most maxBatchSize (10000)',
    ],
  ])('names the key, the value and what was expected: %j %j', (env, argv, message) => {
    expect(() => parseCli(argv, env)).toThrow(new ConfigError(message));
  });

  it('names an unknown key of the file, and the file', () => {
    const path = file('typo.yaml', 'batchsize: 10\n');
    expect(() => parseCli(['--config', path], {})).toThrow(/unknown key "batchsize" in .*typo\.yaml/);
  });

  // Every type a YAML or JSON file can give a secret key: the error names the key, the file and
  // the type against what was expected, never the value.
  const secretKeys = Object.entries(KEYS)
    .filter(([, spec]) => 'secret' in spec)
    .map(([key]) => key);
  const wrongTypes: Array<[string, unknown, string]> = [
    ['a number', 20240611, '20240611'],
    ['a number', 12.5e-3, '0.0125'],
    ['a boolean', true, 'true'],
    ['a list', ['s3cret-first', 's3cret-second'], 's3cret'],
    ['a map', { nested: 's3cret-nested' }, 's3cret'],
  ];
  it.each(secretKeys.flatMap((key) => wrongTypes.map(([kind, value, text]) => [key, kind, value, text] as const)))(
    'never shows a secret key’s value of the wrong type: %s given %s',
    (key, kind, value, text) => {
      for (const path of [
        file(`${key}.json`, JSON.stringify({ [key]: value })),
        file(`${key}.yaml`, `${key}: ${JSON.stringify(value)}\n`),
      ]) {
        const message = thrown(() => parseCli(['--config', path], {}));
        const expected = KEYS[key as keyof typeof KEYS].codec.name;
        expect(message).toBe(`invalid config: ${key}: *** (${kind}) in ${path}: expected ${expected}`);
        expect(message).not.toContain(text);
      }
    },
  );

  it.each([
    ['an unclosed quote', 'influxToken: "s3cret-quote\n', 'MISSING_CHAR at line 2, column 1'],
    ['a key twice', 'influxPassword: s3cret-one\ninfluxPassword: s3cret-two\n', 'DUPLICATE_KEY at line 2, column 1'],
    ['a bad escape', 'influxPassword: "s3cret\\q-escape"\n', 'BAD_DQ_ESCAPE at line 1, column 24'],
    ['a reserved first character', 'influxToken: @s3cret-at\n', 'BAD_SCALAR_START at line 1, column 14'],
    [
      'an alias with no anchor',
      'influxOrg: *s3cret-star\n',
      'Unresolved alias (the anchor must be set before the alias) (quote values that start with * & ! @ or %)',
    ],
  ])('a file that does not parse (%s) is named with the line and column, without its text', (_, text, where) => {
    const path = file('broken.yaml', text);
    expect(() => parseCli(['--config', path], {})).toThrow(
      new ConfigError(`the config file ${path} is neither JSON nor YAML: ${where}`),
    );
  });

  it('names an unknown key of the file without what follows its `=` (an env-file line)', () => {
    const path = file('envfile.yaml', '{INFLUX_TOKEN=s3cret-env}\n');
    expect(() => parseCli(['--config', path], {})).toThrow(/^unknown key "INFLUX_TOKEN=\*\*\*" in .*envfile\.yaml;/);
  });

  it('derives a default from other keys where the key table says so: 1 s flushes when writing to stdout', () => {
    expect(KEYS.flushInterval.derived?.doc).toBe('1000 without INFLUX_URL');
    expect(resolveConfig({ env: {} }).flushInterval).toBe(1000);
    expect(resolveConfig({ env: { INFLUX_URL: 'http://db:8086' } }).flushInterval).toBe(10_000);
    expect(resolveConfig({ env: { FLUSH_INTERVAL_MS: '5000' } }).flushInterval).toBe(5000);
  });

  it('shows every key in --help with its environment variable and default', () => {
    const help = program().helpInformation().replace(/\s+/g, ' ');
    for (const spec of Object.values(KEYS)) {
      expect(help).toContain(spec.flag);
      expect(help).toContain(`env: ${spec.env}`);
    }
    expect(help).toContain('(default: 10000; 1000 without INFLUX_URL)');
  });

  it('masks the secret keys of the key table when printed', () => {
    expect(
      Object.entries(KEYS)
        .filter(([, spec]) => 'secret' in spec)
        .map(([key]) => key),
    ).toEqual([
      'influxToken',
      'influxPassword',
      'remoteWritePassword',
      'remoteWriteBearerToken',
      'remoteWriteHeaders',
      'alertWebhookUrl',
      'alertWebhookToken',
    ]);
    const config = resolveConfig({ env: { INFLUX_TOKEN: 's3cret' } });
    expect(config.influxToken).toBe('s3cret');
    expect(JSON.stringify(printable(config))).not.toContain('s3cret');
    expect(printable(config).influxToken).toBe('***');
  });

  it('has a flag and an environment variable for every key, all distinct', () => {
    const flags = Object.values(KEYS).map((k) => k.flag);
    const envs = Object.values(KEYS).map((k) => k.env);
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(envs).size).toBe(envs.length);
    for (const name of [
      'DOCKER_HOST',
      'INFLUX_URL',
      'INFLUX_TOKEN',
      'INFLUX_TOKEN_FILE',
      'INFLUX_ORG',
      'INFLUX_BUCKET',
      'BATCH_SIZE',
      'FLUSH_INTERVAL_MS',
      'MAX_RETRIES',
      'MAX_BATCH_SIZE',
      'MAX_BUFFER_SIZE',
      'COMPRESSION',
      'BUFFER_POLICY',
      'MODE',
      'POLL_INTERVAL_MS',
      'LOG_LEVEL',
      'METRICS_PORT',
      'SHUTDOWN_TIMEOUT_MS',
    ]) {
      expect(envs).toContain(name);
    }
  });
});

describe('DOCKER_HOST in the configuration: one validator, parseDockerHost, for the config and the client', () => {
  const engines = (env: Record<string, string>, argv: string[] = []): string[] => parseCli(argv, env).config.dockerHost;
  // Each one used to pass the config (a prefix test) and crash the daemon when its client was made.
  it.each([
    ['tcp://127.0.0.1:99999', '"tcp://127.0.0.1:99999": the port 99999 is not from 1 to 65535'],
    ['tcp://h:2375/v1.40', '"tcp://h:2375/v1.40": a path, query or fragment ("/v1.40") is not supported'],
    ['tcp://h:abc', '"tcp://h:abc": the port "abc" is not a number'],
    ['unix:///var/run/docker.sock,tcp://h:0', '"tcp://h:0": the port 0 is not from 1 to 65535'],
    ['unix://a://b', '"unix://a://b": a unix:// address names a path, not another address'],
  ])('DOCKER_HOST=%j is refused with the parser’s reason, naming the address', (value, why) => {
    expect(thrown(() => parseCli([], { DOCKER_HOST: value }))).toBe(
      `invalid config: DOCKER_HOST=${JSON.stringify(value)} (environment): ${why}; ${ENGINES}`,
    );
  });

  it('takes what the parser takes: host:port without a scheme, http:// and https://', () => {
    const value = '10.0.0.2:2375,http://10.0.0.3:2375,https://10.0.0.4';
    expect(engines({ DOCKER_HOST: value })).toEqual(value.split(','));
    expect(engines({}, ['--docker-host', 'tcp://[::1]:2375'])).toEqual(['tcp://[::1]:2375']);
  });

  it('DOCKER_TLS_VERIFY or DOCKER_TLS with no engine named is refused, saying where the docker CLI would go', () => {
    for (const variable of ['DOCKER_TLS_VERIFY', 'DOCKER_TLS'])
      expect(thrown(() => parseCli([], { [variable]: '1' }))).toBe(
        `invalid config: ${variable} is set but DOCKER_HOST is not (the docker CLI would go to tcp://localhost:2376): ` +
          `set DOCKER_HOST=tcp://localhost:2376 for that engine, or unset ${variable} for unix:///var/run/docker.sock`,
      );
    // Named by the variable, a flag or the file: the TLS variables apply to it.
    expect(engines({ DOCKER_TLS_VERIFY: '1', DOCKER_HOST: 'tcp://h:2376' })).toEqual(['tcp://h:2376']);
    expect(engines({ DOCKER_TLS: '1' }, ['--docker-host', 'tcp://h'])).toEqual(['tcp://h']);
    expect(engines({ DOCKER_TLS_VERIFY: '' })).toEqual(['unix:///var/run/docker.sock']);
  });
});

describe('redactUrl: the credentials of a URL as shown', () => {
  it.each([
    ['http://dss:pw@db:8086', 'http://dss:***@db:8086'],
    ['https://dss:p@ss:w@rd@db/x?y=@', 'https://dss:***@db/x?y=@'], // up to the authority's last @
    ['http://tok3n@db:8086/', 'http://***@db:8086/'], // no password: the user info may be a token
    ['http://db:8086/?u=dss&p=pw&db=x', 'http://db:8086/?u=dss&p=***&db=x'],
    ['http://db/?Token=t&api_key=k&PASSWORD=', 'http://db/?Token=***&api_key=***&PASSWORD=***'],
    ['dss:pw@db:8086', 'dss:***@db:8086'], // not a URL, still shown masked
    ['http://db:8086/a@b?up=1&pp=2', 'http://db:8086/a@b?up=1&pp=2'], // nothing to mask
  ])('%s -> %s', (url, shown) => expect(redactUrl(url)).toBe(shown));
});
