import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { isLeft } from 'fp-ts/lib/Either.js';
import { abortable } from './askEngine.js';
import { type DialEndpoint, dialsTo } from './dial.js';
import { type DockerEnv, type EngineEndpoint, parseDockerHost } from './dockerHost.js';

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

/** Who may open the engine's socket, and who we are: what a permission problem is about. */
export interface SocketAccess {
  readonly socketPath: string;
  /** The socket's owner, group and mode (undefined when even its folder cannot be read). */
  readonly owner?: { readonly uid: number; readonly gid: number; readonly mode: number };
  readonly uid: number;
  readonly groups: readonly number[];
}

/**
 * The engine's unix socket refused us (EACCES): says who owns it and who we are, and how to be
 * let in: a process must be in the socket's group (or its owner) to connect.
 */
export class EnginePermissionDenied extends Error {
  constructor(readonly access: SocketAccess) {
    const { socketPath, owner, uid, groups } = access;
    const gid = owner ? String(owner.gid) : `$(stat -c %g ${socketPath})`;
    const whose = owner
      ? `owner uid ${owner.uid}, gid ${owner.gid}, mode 0${(owner.mode & 0o777).toString(8)}`
      : 'its owner cannot be read';
    super(
      `permission denied on the Docker engine's socket ${socketPath} (${whose}); this process runs as uid ${uid} ` +
        `with groups [${groups.join(', ')}]: add the socket's group gid ${gid} to the collector ` +
        `(compose group_add, Kubernetes securityContext.supplementalGroups, or docker run --group-add ${gid})`,
    );
    this.name = 'EnginePermissionDenied';
  }
}

/**
 * The error as the user should read it: EACCES on a unix socket engine becomes an
 * EnginePermissionDenied naming the socket's owner and group (read here with stat) and this
 * process's uid and groups; any other error is returned as it is.
 */
export function explainEngineError(address: string, error: unknown): unknown {
  const cause = error instanceof EngineUnreachableError ? error.cause : error;
  if ((cause as NodeJS.ErrnoException | null)?.code !== 'EACCES' || !address.startsWith('unix://')) return error;
  const socketPath = address.slice('unix://'.length) || '/var/run/docker.sock';
  let owner: SocketAccess['owner'];
  try {
    const { uid, gid, mode } = statSync(socketPath);
    owner = { uid, gid, mode };
  } catch {
    owner = undefined;
  }
  const uid = process.getuid?.() ?? -1;
  return new EnginePermissionDenied({ socketPath, owner, uid, groups: process.getgroups?.() ?? [] });
}

/** A Docker client and the address it talks to, for error messages and the `host` tag. */
export interface Engine {
  readonly docker: Docker;
  readonly address: string;
}

/**
 * Connects to the engine named by DOCKER_HOST (unix://path, tcp://host:port, with TLS through
 * DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), default /var/run/docker.sock: `parseDockerHost` reads
 * them as the docker CLI does, and the client is given the result. Throws an
 * EngineUnreachableError naming the bad value, or the certificate file that cannot be read.
 */
export function connectEngine(env: DockerEnv = process.env): Engine {
  const address = engineAddress(env);
  const parsed = parseDockerHost(env);
  if (isLeft(parsed)) throw new EngineUnreachableError(address, new Error(parsed.left));
  let endpoint: DialEndpoint;
  try {
    endpoint = withTlsFiles(parsed.right);
  } catch (error) {
    throw new EngineUnreachableError(address, error);
  }
  const docker = withoutDockerEnv(() => new Docker(dockerOptions(endpoint)));
  dialsTo(docker, endpoint);
  return { docker, address };
}

/** A TCP endpoint's TLS files (ca.pem, cert.pem, key.pem) read from its DOCKER_CERT_PATH, default ~/.docker. */
function withTlsFiles(endpoint: EngineEndpoint): DialEndpoint {
  if (endpoint.kind === 'socket' || !endpoint.tls) return endpoint;
  const folder = endpoint.tls.certPath ?? join(homedir(), '.docker');
  const read = (file: string): Buffer | undefined => {
    const path = join(folder, file);
    // Without DOCKER_TLS_VERIFY (port 2376 or https://), the files are optional, as for docker-modem.
    if (!endpoint.tls?.verify && !existsSync(path)) return undefined;
    return readFileSync(path);
  };
  const [ca, cert, key] = ['ca.pem', 'cert.pem', 'key.pem'].map(read);
  return { ...endpoint, files: { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) } };
}

/** dockerode's options for the endpoint, every connection key given so that none comes from docker-modem's defaults. */
const dockerOptions = (endpoint: DialEndpoint): Docker.DockerOptions =>
  endpoint.kind === 'socket'
    ? { socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: undefined }
    : {
        socketPath: undefined,
        host: endpoint.host,
        port: endpoint.port,
        protocol: endpoint.tls ? 'https' : 'http',
        ca: endpoint.files?.ca,
        cert: endpoint.files?.cert,
        key: endpoint.files?.key,
      };

/**
 * docker-modem's constructor parses the process's own DOCKER_HOST for its defaults even when
 * every setting is given, and throws on a list of engines (`tcp://a:2375,tcp://b:2375`): the
 * variables are hidden from it for that synchronous moment.
 */
function withoutDockerEnv<T>(make: () => T): T {
  const keys = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'] as const;
  const saved = keys.map((k) => process.env[k]);
  keys.forEach((k) => delete process.env[k]);
  try {
    return make();
  } finally {
    keys.forEach((k, i) => saved[i] !== undefined && (process.env[k] = saved[i]));
  }
}

function engineAddress(env: DockerEnv): string {
  return env.DOCKER_HOST?.trim() || 'unix:///var/run/docker.sock';
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
