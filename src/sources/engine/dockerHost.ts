import { type Either, left, right } from 'fp-ts/lib/Either.js';

/** The variables the docker CLI reads to find its engine. */
export interface DockerEnv {
  readonly DOCKER_HOST?: string | undefined;
  readonly DOCKER_TLS_VERIFY?: string | undefined;
  /** TLS without verifying the engine's certificate (the CLI's --tls). */
  readonly DOCKER_TLS?: string | undefined;
  readonly DOCKER_CERT_PATH?: string | undefined;
}

/**
 * TLS for a TCP engine: `verify` when DOCKER_TLS_VERIFY asks for it (else the engine's
 * certificate is not checked); certificates in `certPath` (or ~/.docker).
 */
export interface EngineTls {
  readonly verify: boolean;
  readonly certPath?: string;
}

/** Where an engine is: a unix socket or named pipe, or a TCP address (with TLS or not). */
export type EngineEndpoint =
  | { readonly kind: 'socket'; readonly socketPath: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls?: EngineTls };

export const DEFAULT_SOCKET = '/var/run/docker.sock';
const DEFAULT_PIPE = '//./pipe/docker_engine';
/** The IANA ports of the Engine API: plain HTTP, and TLS. */
export const HTTP_PORT = 2375;
export const TLS_PORT = 2376;

/** host, :port and /path of `host:port/path` (an IPv6 host in brackets). */
const TCP_ADDRESS = /^(\[[^\]]*\]|[^:/?#[\]]*)(?::([^/?#]*))?([/?#].*)?$/;

/**
 * DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH into where to connect, or an
 * error naming the bad value. As the docker CLI (docker/cli opts/hosts.go, cli/flags/options.go):
 * unset is the default socket; `unix://` and `npipe://` without a path the default socket or
 * pipe; no scheme is tcp; tcp:// without a host is localhost; a path other than `/` is refused;
 * any non-empty DOCKER_TLS_VERIFY turns TLS on and verifies the engine, any non-empty DOCKER_TLS
 * turns it on without verifying (the CLI tests both for presence, not for `1`).
 * Where we differ from the CLI (README, "Engines"): tcp:// without a port is 2376 with TLS
 * (the CLI: always 2375); port 2376 and https:// turn TLS on, without verifying (the CLI: plain
 * HTTP, which that port cannot answer); http:// and https:// are taken as tcp://, as
 * docker-modem has always done (the CLI refuses them); DOCKER_TLS_VERIFY or DOCKER_TLS with
 * DOCKER_HOST unset is refused (the CLI goes to tcp://localhost:2376; this collector's default
 * is the local socket, and silently leaving it would hide a left-over variable); ssh:// is
 * refused (the daemon's build leaves ssh2 out). `npipe://` is refused on every `platform` but
 * Windows (`process.platform` of the host that connects), the only one with named pipes.
 */
export function parseDockerHost(
  env: DockerEnv,
  platform: NodeJS.Platform = process.platform,
): Either<string, EngineEndpoint> {
  const value = env.DOCKER_HOST;
  if (value === undefined) {
    const tlsVariable = (['DOCKER_TLS_VERIFY', 'DOCKER_TLS'] as const).find((k) => (env[k] ?? '') !== '');
    return tlsVariable === undefined
      ? right({ kind: 'socket', socketPath: DEFAULT_SOCKET })
      : left(
          `${tlsVariable} is set but DOCKER_HOST is not (the docker CLI would go to tcp://localhost:${TLS_PORT}): ` +
            `set DOCKER_HOST=tcp://localhost:${TLS_PORT} for that engine, or unset ${tlsVariable} for unix://${DEFAULT_SOCKET}`,
        );
  }
  const address = value.trim();
  if (address === '')
    return left(
      `DOCKER_HOST is empty: unset it for unix://${DEFAULT_SOCKET}, or name an engine (unix://path, tcp://host:port)`,
    );
  const bad = (why: string): Either<string, EngineEndpoint> => left(`DOCKER_HOST ${JSON.stringify(value)}: ${why}`);
  const cut = address.indexOf('://');
  const [scheme, rest] = cut < 0 ? ['tcp', address] : [address.slice(0, cut).toLowerCase(), address.slice(cut + 3)];
  switch (scheme) {
    case 'unix':
    case 'npipe':
      if (scheme === 'npipe' && platform !== 'win32')
        return bad(
          `npipe:// (a Windows named pipe) is not supported on ${hostName(platform)} hosts: ` +
            'use unix:///path/to/docker.sock or tcp://host:port',
        );
      if (rest.includes('://')) return bad(`a ${scheme}:// address names a path, not another address`);
      return right({ kind: 'socket', socketPath: rest || (scheme === 'unix' ? DEFAULT_SOCKET : DEFAULT_PIPE) });
    case 'tcp':
    case 'http':
    case 'https':
      return tcpEndpoint(rest, scheme, env, bad);
    case 'ssh':
      return bad(
        'ssh:// is not supported: forward the socket (ssh -L /tmp/docker.sock:/var/run/docker.sock host) and use unix://',
      );
    default:
      return bad(`unknown scheme "${scheme}://" (use unix://, tcp://, npipe://, http:// or https://)`);
  }
}

/** A platform as its users call it: `linux` is Linux. */
const HOST_NAMES: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', darwin: 'macOS', freebsd: 'FreeBSD' };
const hostName = (platform: NodeJS.Platform): string => HOST_NAMES[platform] ?? platform;

function tcpEndpoint(
  rest: string,
  scheme: 'tcp' | 'http' | 'https',
  env: DockerEnv,
  bad: (why: string) => Either<string, EngineEndpoint>,
): Either<string, EngineEndpoint> {
  const match = TCP_ADDRESS.exec(rest);
  if (!match) return bad(`"${rest}" is not host:port`);
  const [, host = '', portText = '', path] = match;
  if (path !== undefined && path !== '/') return bad(`a path, query or fragment ("${path}") is not supported`);
  if (portText !== '' && !/^\d{1,5}$/.test(portText)) return bad(`the port "${portText}" is not a number`);
  const port = portText === '' ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return bad(`the port ${port} is not from 1 to 65535`);
  const verify = (env.DOCKER_TLS_VERIFY ?? '') !== '';
  const tls = verify || (env.DOCKER_TLS ?? '') !== '' || scheme === 'https' || port === TLS_PORT;
  const certPath = env.DOCKER_CERT_PATH ? { certPath: env.DOCKER_CERT_PATH } : {};
  return right({
    kind: 'tcp',
    host: host.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: port ?? (tls ? TLS_PORT : HTTP_PORT),
    ...(tls ? { tls: { verify, ...certPath } } : {}),
  });
}
