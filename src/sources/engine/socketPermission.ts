import { statSync } from 'node:fs';

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
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
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
