import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KEYS } from '../../src/config/keys.js';
import { type RunningDaemon, logLines, spawnDaemon } from '../support/daemon.js';
import { INFLUX1_URL } from '../support/influx1.js';
import { eventually } from '../support/realEngine.js';

// The built CLI's configuration errors: what they name, and the secrets they never show.
const dir = mkdtempSync(join(tmpdir(), 'dss-cli-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Runs the CLI to its exit (a config error exits at once; 10 s is a failure, not a wait). */
async function run(env: Record<string, string>, args: string[]): Promise<{ code: number | null; out: string }> {
  const daemon: RunningDaemon = spawnDaemon({ METRICS_PORT: '0', ...env }, args);
  const timer = setTimeout(() => daemon.process.kill('SIGKILL'), 10_000);
  const code = await daemon.exited;
  clearTimeout(timer);
  return { code, out: `${daemon.stdout.join('\n')}\n${daemon.stderr}` };
}

const SECRET_KEYS = Object.entries(KEYS)
  .filter(([, spec]) => 'secret' in spec)
  .map(([key]) => key);

/** Every type a YAML file can give a value, with the text that must not appear. */
const VALUES: Array<[kind: string, yaml: string, text: string]> = [
  ['a number', '20240611', '20240611'],
  ['a boolean', 'true', 'true'],
  ['a list', '[s3cret-first, s3cret-second]', 's3cret'],
  ['a map', '{nested: s3cret-nested}', 's3cret'],
];

describe('the built CLI: configuration errors never show a secret', () => {
  it.each(SECRET_KEYS)('%s of every wrong type in a YAML file: exits 2 naming the key and the type', async (key) => {
    const runs = await Promise.all(
      VALUES.map(async ([kind, yaml]) => {
        const path = file(`${key}-${kind.replace(' ', '-')}.yaml`, `${key}: ${yaml}\n`);
        return { kind, path, ...(await run({}, ['--config', path])) };
      }),
    );
    runs.forEach(({ kind, path, code, out }, i) => {
      expect(code).toBe(2);
      const expected = KEYS[key as keyof typeof KEYS].codec.name;
      expect(out).toContain(`invalid config: ${key}: *** (${kind}) in ${path}: expected ${expected}`);
      expect(out).not.toContain(VALUES[i]![2]);
    });
  });

  it('a file that does not parse, or parses with a warning, is never quoted', async () => {
    const cases: Array<[yaml: string, code: number, message: string]> = [
      ['influxToken: "s3cret-quote\n', 2, 'neither JSON nor YAML: MISSING_CHAR at line 2, column 1'],
      ['influxPassword: s3cret-one\ninfluxPassword: s3cret-two\n', 2, 'DUPLICATE_KEY at line 2, column 1'],
      ['influxOrg: *s3cret-star\n', 2, 'Unresolved alias (the anchor must be set before the alias)'],
      ['influxToken: !custom s3cret-tag\n', 0, '"influxToken": "***"'], // a warning yaml used to print
    ];
    const runs = await Promise.all(
      cases.map(([yaml], i) => run({}, ['--config', file(`broken-${i}.yaml`, yaml), '--print-config'])),
    );
    runs.forEach(({ code, out }, i) => {
      expect(code).toBe(cases[i]![1]);
      expect(out).toContain(cases[i]![2]);
      expect(out).not.toContain('s3cret');
    });
  });

  it('an unknown flag or file key is named without its value', async () => {
    const [flag, top, key] = await Promise.all([
      run({}, ['--influx-pasword=s3cret-flag']),
      run({}, ['top', '--once', '--influx-tokn=s3cret-top']),
      run({}, ['--config', file('envfile.yaml', '{INFLUX_PASSWORD=s3cret-env}\n')]),
    ]);
    expect([flag.code, top.code, key.code]).toEqual([2, 2, 2]);
    expect(flag.out).toContain("unknown option '--influx-pasword=***'");
    expect(top.out).toContain("unknown option '--influx-tokn=***'");
    expect(key.out).toContain('unknown key "INFLUX_PASSWORD=***"');
    for (const { out } of [flag, top, key]) expect(out).not.toContain('s3cret');
  });

  it("the daemon's logger masks every secret key, at the top and one level down", () => {
    const logger = fileURLToPath(new URL('../../dist/src/daemon/logger.js', import.meta.url));
    const script = `import { daemonLogger } from ${JSON.stringify(logger)};
      const log = daemonLogger('info', false);
      log.info({ influxToken: 's3cret-t', influxPassword: 's3cret-p', options: { password: 's3cret-o' } }, 'x');`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stderr)).toMatchObject({ influxToken: '***', influxPassword: '***', options: {} });
    expect(child.stderr).not.toContain('s3cret');
  });
});

describe('the built CLI: DOCKER_HOST with no address', () => {
  it.each([
    [{ DOCKER_HOST: ',' }, [], 'DOCKER_HOST="," (environment)'],
    [{ DOCKER_HOST: ' , ' }, [], 'DOCKER_HOST=" , " (environment)'],
    [{}, ['--docker-host', ''], '--docker-host ""'],
  ])('%j %j exits 2 naming it', async (env, args, named) => {
    const { code, out } = await run(env, args);
    expect(code).toBe(2);
    expect(out).toContain(`invalid config: ${named}: expected one or more comma-separated unix://`);
  });
});

describe('the built CLI: an engine it cannot connect with is a configuration error (exit 2), not a crash', () => {
  it.each([
    [
      { DOCKER_HOST: 'tcp://127.0.0.1:99999' },
      'DOCKER_HOST="tcp://127.0.0.1:99999" (environment): "tcp://127.0.0.1:99999": the port 99999',
    ],
    [
      { DOCKER_HOST: 'tcp://127.0.0.1:2375/v1.40' },
      '"tcp://127.0.0.1:2375/v1.40": a path, query or fragment ("/v1.40")',
    ],
    [{ DOCKER_HOST: 'tcp://127.0.0.1:abc' }, '"tcp://127.0.0.1:abc": the port "abc" is not a number'],
    [{ DOCKER_HOST: 'unix:///var/run/docker.sock,tcp://127.0.0.1:0' }, '"tcp://127.0.0.1:0": the port 0 is not from 1'],
    [
      { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' },
      'DOCKER_CERT_PATH="/nonexistent": cannot read /nonexistent/ca.pem (ENOENT): DOCKER_TLS_VERIFY needs it',
    ],
    [{ DOCKER_TLS_VERIFY: '1' }, 'DOCKER_TLS_VERIFY is set but DOCKER_HOST is not'],
  ])('%j exits 2 naming what is wrong', async (env, named) => {
    const { code, out } = await run(env, []);
    expect(code).toBe(2);
    expect(out).toContain('docker-stats-service: invalid config: ');
    expect(out).toContain(named);
    expect(out).not.toMatch(/EngineUnreachableError|\n\s+at /);
  });
});

describe('the built CLI: credentials in INFLUX_URL are masked wherever the URL is shown', () => {
  // A password in the user info, InfluxDB 1.x's `?u=&p=`, a token parameter.
  const URL_WITH = (host: string): string => `http://dss:s3cret-info@${host}/?u=dss&p=s3cret-p&token=s3cret-t`;
  const MASKED = (host: string): string => `http://dss:***@${host}/?u=dss&p=***&token=***`;

  it('--print-config and a configuration error show the URL with its credentials masked', async () => {
    const [printed, invalid] = await Promise.all([
      run({ INFLUX_URL: URL_WITH('127.0.0.1:18086') }, ['--print-config']),
      run({}, ['--influx-url', 'ftp://dss:s3cret-ftp@127.0.0.1/?password=s3cret-pw']),
    ]);
    expect(printed.code).toBe(0);
    expect(printed.out).toContain(`"influxUrl": "${MASKED('127.0.0.1:18086')}"`);
    expect(invalid.code).toBe(2);
    expect(invalid.out).toContain(
      'invalid config: --influx-url "ftp://dss:***@127.0.0.1/?password=***": expected an http:// or https:// URL',
    );
    for (const { out } of [printed, invalid]) expect(out).not.toContain('s3cret');
  });

  it('the start log and the failed writes of a database that refuses and of one that is unreachable', async () => {
    const refusing = spawnDaemon({
      INFLUX_URL: `http://dss:s3cret-info@${new URL(INFLUX1_URL).host}`,
      INFLUX_DB: 'dss_test_no_such_db',
      DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}`,
      INTERNAL_METRICS: 'true', // points to write without an engine
      FLUSH_INTERVAL_MS: '200',
      METRICS_PORT: '0',
    });
    const unreachable = spawnDaemon({
      INFLUX_URL: URL_WITH('127.0.0.1:1'),
      DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}`,
      INTERNAL_METRICS: 'true',
      FLUSH_INTERVAL_MS: '200',
      METRICS_PORT: '0',
    });
    const failed = (d: RunningDaemon) => () => logLines(d).some((l) => String(l.msg).startsWith('writing to the'));
    try {
      expect(await eventually(failed(refusing), 15_000), refusing.stderr).toBe(true);
      expect(await eventually(failed(unreachable), 15_000), unreachable.stderr).toBe(true);
    } finally {
      refusing.process.kill('SIGKILL');
      unreachable.process.kill('SIGKILL');
    }
    const sinks = [refusing, unreachable].map((d) => logLines(d).filter((l) => l.sink !== undefined));
    expect(sinks[0]!.map((l) => l.sink)).toContain(
      `http://dss:***@${new URL(INFLUX1_URL).host} (InfluxDB 1.x database dss_test_no_such_db)`,
    );
    expect(sinks[1]!.map((l) => l.sink)).toContain(`${MASKED('127.0.0.1:1')} (org docker, bucket docker)`);
    for (const d of [refusing, unreachable]) {
      expect(logLines(d).map((l) => l.msg)).toContain('docker-stats-service started');
      expect(d.stderr).not.toContain('s3cret');
    }
  }, 40_000);
});

describe('the built CLI: a YAML anchor or alias never carries a secret to another key', () => {
  it.each([
    ['aliased under a number key', 'influxToken: &pw s3cret-value\nbatchSize: *pw\n', 'influxToken', 1, 1],
    ['aliased under a path key', 'influxPassword: &pw s3cret-value\ninfluxPasswordFile: *pw\n', 'influxPassword', 1, 1],
    ['an alias of another key as the secret', 'influxOrg: &o s3cret-value\ninfluxToken: *o\n', 'influxToken', 2, 1],
    ['an anchor inside the value', 'influxPassword: [&pw s3cret-value]\nmode: *pw\n', 'influxPassword', 1, 1],
    ['an unquoted value starting with *', '{batchSize: 5,\n  influxPassword: *s3cret-star}\n', 'influxPassword', 2, 3],
  ])('%s: exits 2 naming the key and the place, never the value', async (_, yaml, key, line, col) => {
    const path = file(`alias-${key}-${line}-${col}.yaml`, yaml);
    const { code, out } = await run({}, ['--config', path, '--print-config']);
    expect(code).toBe(2);
    expect(out).toContain(
      `invalid config: ${key} at line ${line}, column ${col} of ${path}: a secret's value cannot be a YAML anchor (&) or alias (*)`,
    );
    expect(out).not.toContain('s3cret');
  });

  it('anchors and aliases between other keys still work', async () => {
    const path = file('alias-plain.yaml', 'influxOrg: &o team-a\ninfluxBucket: *o\ninfluxToken: s3cret-plain\n');
    const { code, out } = await run({}, ['--config', path, '--print-config']);
    expect(code).toBe(0);
    expect(out).toContain('"influxBucket": "team-a"');
    expect(out).not.toContain('s3cret');
  });
});
