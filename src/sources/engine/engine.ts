import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { createSecureContext } from 'node:tls';
import { join } from 'node:path';
import Docker from 'dockerode';
import { isLeft } from 'fp-ts/lib/Either.js';
import { abortable } from './askEngine.js';
import { type DialEndpoint, EngineModem } from './engineModem.js';
import { DEFAULT_SOCKET, type DockerEnv, type EngineEndpoint, parseDockerHost } from './dockerHost.js';

export { EnginePermissionDenied, type SocketAccess, explainEngineError } from './socketPermission.js';

/** The Docker engine could not be reached: names the address and the underlying cause. */
export class EngineUnreachableError extends Error {
  constructor(
    readonly address: string,
    override readonly cause: unknown,
  ) {
    super(`cannot reach the Docker engine at ${address}: ${causeText(cause)}`);
    this.name = 'EngineUnreachableError';
  }
}

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return String(cause);
}

/**
 * A setting the engine cannot be connected with, found before connecting: a DOCKER_HOST that
 * does not parse, or a TLS file that cannot be read. The daemon exits 2 on it, as on any invalid
 * configuration.
 */
export class EngineConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineConfigError';
  }
}

/** A Docker client and the address it talks to, for error messages and the `host` tag. */
export interface Engine {
  readonly docker: Docker;
  readonly address: string;
}

/**
 * Connects to the engine named by DOCKER_HOST (unix://path, tcp://host:port, with TLS through
 * DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH), default /var/run/docker.sock, as
 * `parseDockerHost` reads them; the client is given the result. Throws an EngineConfigError
 * naming the bad value, or the certificate file that cannot be read.
 */
export function connectEngine(env: DockerEnv = process.env): Engine {
  const address = engineAddress(env);
  const parsed = parseDockerHost(env);
  if (isLeft(parsed)) throw new EngineConfigError(parsed.left);
  const endpoint = withTlsFiles(parsed.right, env.DOCKER_CERT_PATH === undefined ? '~/.docker' : 'DOCKER_CERT_PATH');
  return { docker: new Docker(withModem(new EngineModem(endpoint))), address };
}

/**
 * A TCP endpoint's TLS files read from its DOCKER_CERT_PATH, default ~/.docker. As the docker
 * CLI (cli/flags/options.go SetDefaultOptions): without verification every file is optional; to
 * verify, ca.pem is needed, and cert.pem and key.pem (a client certificate) are read when present.
 */
function withTlsFiles(endpoint: EngineEndpoint, folderName: string): DialEndpoint {
  if (endpoint.kind === 'socket' || !endpoint.tls) return endpoint;
  const { verify } = endpoint.tls;
  const folder = endpoint.tls.certPath ?? join(homedir(), '.docker');
  const read = (file: string, needed: boolean): Buffer | undefined => {
    const path = join(folder, file);
    try {
      return readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !needed) return undefined;
      const why = needed ? 'DOCKER_TLS_VERIFY needs it to verify the engine' : 'it is there but cannot be read';
      throw new EngineConfigError(`${folderName}=${JSON.stringify(folder)}: cannot read ${path} (${code}): ${why}`);
    }
  };
  const ca = read('ca.pem', verify);
  const cert = read('cert.pem', false);
  const key = read('key.pem', false);
  if ((cert === undefined) !== (key === undefined))
    throw new EngineConfigError(
      `${folderName}=${JSON.stringify(folder)}: ${cert ? 'cert.pem without key.pem' : 'key.pem without cert.pem'}: ` +
        'a client certificate needs both',
    );
  // Parsed now, as the CLI does when it loads them: else a file that is not PEM, or a key of
  // another certificate, reads as an engine that never answers, retried for ever.
  const refuse = (what: string, error: unknown): EngineConfigError =>
    new EngineConfigError(
      `${folderName}=${JSON.stringify(folder)}: ${what} (${error instanceof Error ? error.message : String(error)})`,
    );
  try {
    if (ca) new X509Certificate(ca);
  } catch (error) {
    throw refuse(`${join(folder, 'ca.pem')} is not a PEM certificate`, error);
  }
  try {
    if (cert && key) createSecureContext({ cert, key });
  } catch (error) {
    throw refuse(`cert.pem and key.pem are not a certificate and its key`, error);
  }
  return { ...endpoint, files: { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) } };
}

/** dockerode's options with a ready transport: dockerode takes one (lib/docker.js), its types leave the option out. */
interface WithModem extends Docker.DockerOptions {
  readonly modem: EngineModem;
}

/**
 * The client's only option is its transport, which knows the endpoint: dockerode then makes no
 * docker-modem Modem, whose constructor would read the process's DOCKER_* variables (see EngineModem).
 */
const withModem = (modem: EngineModem): WithModem => ({ modem });

function engineAddress(env: DockerEnv): string {
  return env.DOCKER_HOST?.trim() || `unix://${DEFAULT_SOCKET}`;
}

/**
 * Lets go of the client's sockets (its keep-alive agent's); whoever made the client with
 * `connectEngine` closes it when done, as `collect`, `top` and the daemon do on unsubscribe.
 */
export function closeEngine(engine: Engine): void {
  const modem: unknown = engine.docker.modem;
  if (modem instanceof EngineModem) modem.close();
}

/** Resolves once the engine answers /_ping; rejects with an EngineUnreachableError otherwise. */
export async function checkEngine(engine: Engine): Promise<void> {
  try {
    await engine.docker.ping();
  } catch (error) {
    throw new EngineUnreachableError(engine.address, error);
  }
}

/** True when DOCKER_HOST names an engine on this host (a unix socket), whose devices /sys shows. */
export const engineIsLocal = (address: string): boolean =>
  address.startsWith('unix://') || address.startsWith('npipe://');

interface VersionAnswer {
  readonly Version?: string;
  readonly Components?: readonly { readonly Name?: string }[];
}

/** `Docker 20.10.24` or `Podman 4.3.1`, from the engine's /version; undefined while it does not answer. */
export async function engineProduct(engine: Engine, abortSignal?: AbortSignal): Promise<string | undefined> {
  try {
    const version = (await abortable(engine.docker).version({ abortSignal })) as VersionAnswer;
    const podman = version.Components?.some((c) => /podman/i.test(c.Name ?? '')) === true;
    return `${podman ? 'Podman' : 'Docker'} ${version.Version ?? '?'}`;
  } catch {
    return undefined;
  }
}
