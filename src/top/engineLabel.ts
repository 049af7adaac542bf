import type { Engine } from '../sources/engine/engine.js';

interface VersionAnswer {
  readonly Version?: string;
  readonly Components?: readonly { readonly Name?: string }[];
}

/** `Docker 20.10.24 on /var/run/docker.sock`, `Podman 4.3.1 on ...`, from the engine's /version. */
export async function engineLabel(engine: Engine): Promise<string> {
  try {
    const version = (await engine.docker.version()) as VersionAnswer;
    const podman = version.Components?.some((c) => /podman/i.test(c.Name ?? '')) === true;
    return `${podman ? 'Podman' : 'Docker'} ${version.Version ?? '?'} on ${engine.address.replace(/^unix:\/\//, '')}`;
  } catch {
    return `${engine.address} (not answering yet)`;
  }
}
