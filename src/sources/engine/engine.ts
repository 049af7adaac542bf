import Docker from 'dockerode';

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

/** A Docker client and the address it talks to, for error messages and the `host` tag. */
export interface Engine {
  readonly docker: Docker;
  readonly address: string;
}

/**
 * Connects to the engine named by DOCKER_HOST (unix://path, tcp://host:port, with TLS through
 * DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), default /var/run/docker.sock.
 *
 * docker-modem already parses exactly these variables (the docker CLI's rules); it reads them
 * from process.env while the client is constructed, so for an explicit environment we swap it in
 * for that synchronous moment rather than re-implement the parsing.
 */
export function connectEngine(env: NodeJS.ProcessEnv = process.env): Engine {
  const keys = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'] as const;
  const saved = keys.map((k) => process.env[k]);
  keys.forEach((k) => setEnv(k, env[k]));
  try {
    const docker = new Docker();
    return { docker, address: engineAddress(env) };
  } catch (error) {
    throw new EngineUnreachableError(engineAddress(env), error);
  } finally {
    keys.forEach((k, i) => setEnv(k, saved[i]));
  }
}

function setEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

function engineAddress(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_HOST || 'unix:///var/run/docker.sock';
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
export async function engineProduct(engine: Engine): Promise<string | undefined> {
  try {
    const version = (await engine.docker.version()) as VersionAnswer;
    const podman = version.Components?.some((c) => /podman/i.test(c.Name ?? '')) === true;
    return `${podman ? 'Podman' : 'Docker'} ${version.Version ?? '?'}`;
  } catch {
    return undefined;
  }
}
