import { left, right } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { type DockerEnv, parseDockerHost } from '../../src/sources/engine/dockerHost.js';

const socket = (socketPath: string) => right({ kind: 'socket', socketPath });
const tcp = (host: string, port: number, tls?: { verify: boolean; certPath?: string }) =>
  right({ kind: 'tcp', host, port, ...(tls ? { tls } : {}) });
const on = { verify: true };

/** [DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH] and where we connect (README: where the docker CLI differs). */
const good: Array<[string | undefined, string | undefined, string | undefined, unknown]> = [
  [undefined, undefined, undefined, socket('/var/run/docker.sock')],
  ['unix:///run/podman/podman.sock', undefined, undefined, socket('/run/podman/podman.sock')],
  ['unix://', undefined, undefined, socket('/var/run/docker.sock')],
  ['unix:///tmp/dss/docker.sock', '1', '/certs', socket('/tmp/dss/docker.sock')], // TLS is for TCP only
  ['tcp://10.0.0.2:2375', undefined, undefined, tcp('10.0.0.2', 2375)],
  ['tcp://10.0.0.2', undefined, undefined, tcp('10.0.0.2', 2375)],
  ['tcp://10.0.0.2', '1', undefined, tcp('10.0.0.2', 2376, on)],
  ['tcp://10.0.0.2:2375', 'true', '/certs', tcp('10.0.0.2', 2375, { verify: true, certPath: '/certs' })],
  ['tcp://10.0.0.2:4243', 'yes', undefined, tcp('10.0.0.2', 4243, on)],
  ['tcp://10.0.0.2:4243', '', '/certs', tcp('10.0.0.2', 4243)], // empty: TLS off, as for the CLI
  ['tcp://10.0.0.2:2376', undefined, undefined, tcp('10.0.0.2', 2376, { verify: false })],
  ['tcp://', undefined, undefined, tcp('localhost', 2375)],
  ['tcp://:2375', undefined, undefined, tcp('localhost', 2375)],
  ['tcp://engine.example:2375/', undefined, undefined, tcp('engine.example', 2375)],
  ['tcp://[::1]:2375', undefined, undefined, tcp('::1', 2375)],
  ['10.0.0.2:2375', undefined, undefined, tcp('10.0.0.2', 2375)], // no scheme: tcp, as the CLI
  ['  tcp://10.0.0.2:2375  ', undefined, undefined, tcp('10.0.0.2', 2375)],
  ['http://10.0.0.2:2375', undefined, undefined, tcp('10.0.0.2', 2375)],
  ['http://10.0.0.2', '1', undefined, tcp('10.0.0.2', 2376, on)],
  ['https://10.0.0.2', undefined, undefined, tcp('10.0.0.2', 2376, { verify: false })],
  ['https://10.0.0.2:2375', undefined, undefined, tcp('10.0.0.2', 2375, { verify: false })],
  ['https://engine.example:443', '1', '/certs', tcp('engine.example', 443, { verify: true, certPath: '/certs' })],
  ['HTTPS://[::1]', undefined, undefined, tcp('::1', 2376, { verify: false })],
  ['tcp://10.0.0.2:2376', '1', '/certs', tcp('10.0.0.2', 2376, { verify: true, certPath: '/certs' })],
];

/** Named pipes: the pipe on a Windows host; on any other, refused naming the value and what to use. */
const pipes: Array<[string, NodeJS.Platform, unknown]> = [
  ['npipe:////./pipe/docker_engine', 'win32', socket('//./pipe/docker_engine')],
  ['npipe://', 'win32', socket('//./pipe/docker_engine')],
  [
    'npipe:////./pipe/docker_engine',
    'linux',
    left(
      'DOCKER_HOST "npipe:////./pipe/docker_engine": npipe:// (a Windows named pipe) is not supported on Linux hosts: ' +
        'use unix:///path/to/docker.sock or tcp://host:port',
    ),
  ],
  [
    'npipe://',
    'darwin',
    left(expect.stringMatching(/^DOCKER_HOST "npipe:\/\/": npipe:\/\/ .* not supported on macOS hosts/)),
  ],
];

/** DOCKER_TLS (the CLI's --tls): TLS without verification; DOCKER_TLS_VERIFY wins over it. */
const tlsOnly: Array<[string, DockerEnv, unknown]> = [
  ['tcp://10.0.0.2', { DOCKER_TLS: '1' }, tcp('10.0.0.2', 2376, { verify: false })],
  ['tcp://10.0.0.2:2375', { DOCKER_TLS: 'yes' }, tcp('10.0.0.2', 2375, { verify: false })],
  ['tcp://10.0.0.2:2375', { DOCKER_TLS: '' }, tcp('10.0.0.2', 2375)],
  ['tcp://10.0.0.2:4243', { DOCKER_TLS: '1', DOCKER_TLS_VERIFY: '1' }, tcp('10.0.0.2', 4243, on)],
  ['unix:///run/docker.sock', { DOCKER_TLS: '1' }, socket('/run/docker.sock')],
];

const bad: Array<[string, RegExp]> = [
  ['tcp://host:notaport', /^DOCKER_HOST "tcp:\/\/host:notaport": the port "notaport" is not a number$/],
  ['tcp://host:99999', /"tcp:\/\/host:99999": the port 99999 is not from 1 to 65535/],
  ['tcp://host:0', /the port 0 is not from 1 to 65535/],
  ['host:-1', /"host:-1": the port "-1" is not a number/],
  [
    'foo://x',
    /"foo:\/\/x": unknown scheme "foo:\/\/" \(use unix:\/\/, tcp:\/\/, npipe:\/\/, http:\/\/ or https:\/\/\)/,
  ],
  ['ssh://me@host', /"ssh:\/\/me@host": ssh:\/\/ is not supported: forward the socket/],
  ['SSH://host:22', /^DOCKER_HOST "SSH:\/\/host:22": ssh:\/\/ is not supported: forward the socket \(ssh -L /],
  ['https://host:2376/v1.41', /^DOCKER_HOST "https:\/\/host:2376\/v1.41": a path, query or fragment/],
  ['https://host:https', /the port "https" is not a number/],
  ['tcp://host:2375/v1.41', /a path, query or fragment \("\/v1\.41"\) is not supported/],
  ['unix://tcp://host', /a unix:\/\/ address names a path/],
  ['', /^DOCKER_HOST is empty: unset it for unix:\/\/\/var\/run\/docker\.sock/],
  ['   ', /^DOCKER_HOST is empty/],
];

describe('parseDockerHost: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH', () => {
  it.each(good)('DOCKER_HOST=%j DOCKER_TLS_VERIFY=%j DOCKER_CERT_PATH=%j', (host, verify, certPath, expected) => {
    const env: DockerEnv = { DOCKER_HOST: host, DOCKER_TLS_VERIFY: verify, DOCKER_CERT_PATH: certPath };
    expect(parseDockerHost(env)).toEqual(expected);
  });

  it.each(pipes)('DOCKER_HOST=%j on a %s host', (host, platform, expected) => {
    expect(parseDockerHost({ DOCKER_HOST: host }, platform)).toEqual(expected);
  });

  it('npipe:// is refused on the host the tests run on, which is not Windows', () => {
    expect(process.platform).not.toBe('win32');
    expect(parseDockerHost({ DOCKER_HOST: 'npipe://' })).toEqual(left(expect.stringMatching(/not supported on/)));
  });

  it.each(tlsOnly)('DOCKER_HOST=%j with %j', (host, env, expected) => {
    expect(parseDockerHost({ DOCKER_HOST: host, ...env })).toEqual(expected);
  });

  it('DOCKER_TLS_VERIFY or DOCKER_TLS with DOCKER_HOST unset is refused (the CLI: tcp://localhost:2376), empty ones are not', () => {
    expect(parseDockerHost({ DOCKER_TLS_VERIFY: '1' })).toEqual(
      left(
        expect.stringMatching(
          /^DOCKER_TLS_VERIFY is set but DOCKER_HOST is not \(the docker CLI would go to tcp:\/\/localhost:2376\)/,
        ),
      ),
    );
    expect(parseDockerHost({ DOCKER_TLS: '1' })).toEqual(left(expect.stringMatching(/^DOCKER_TLS is set but/)));
    expect(parseDockerHost({ DOCKER_TLS: '', DOCKER_TLS_VERIFY: '' })).toEqual(socket('/var/run/docker.sock'));
  });

  it.each(bad)('DOCKER_HOST=%j is refused, naming the bad value', (host, message) => {
    const parsed = parseDockerHost({ DOCKER_HOST: host });
    expect(parsed._tag).toBe('Left');
    expect(parsed).toEqual(left(expect.stringMatching(message)));
  });
});
