import { X_OK } from 'node:constants';
import { accessSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** A file's owner, group and mode, as stat gives them. */
export interface FileOwner {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/** Who may open the engine's socket, and who we are: what a permission problem is about. */
export interface SocketAccess {
  readonly socketPath: string;
  /** The socket's owner, group and mode (undefined when even its folder cannot be read). */
  readonly owner?: FileOwner;
  /** The folder on the socket's path that this process may not search, which hides the socket. */
  readonly blockedBy?: FileOwner & { readonly path: string };
  readonly uid: number;
  /** This process's groups, its effective gid among them (Node includes it). */
  readonly groups: readonly number[];
}

const described = (f: FileOwner): string => `owner uid ${f.uid}, gid ${f.gid}, mode 0${(f.mode & 0o777).toString(8)}`;

/** What keeps this process out, and what lets it in: a group to add only when the mode lets that group in. */
function advice({ socketPath, owner, blockedBy, groups }: SocketAccess): string {
  if (!owner && blockedBy)
    return (
      `the folder ${blockedBy.path} on the socket's path (${described(blockedBy)}) may not be searched by this ` +
      `process, so no group of the socket's can help: make the folder searchable (chmod o+x, or g+x with its ` +
      `group given to the collector), or mount the socket where the collector can reach it`
    );
  const gid = owner ? String(owner.gid) : `$(stat -c %g ${socketPath})`;
  const add =
    `add the socket's group gid ${gid} to the collector ` +
    `(compose group_add, Kubernetes securityContext.supplementalGroups, or docker run --group-add ${gid})`;
  if (!owner) return add;
  const inGroup = groups.includes(owner.gid);
  const mode = `0${(owner.mode & 0o777).toString(8)}`;
  // Connecting to a unix socket takes write permission on it.
  if ((owner.mode & 0o020) === 0)
    return (
      `${inGroup ? `it is in the socket's group gid ${owner.gid}, but ` : ''}the socket's mode ${mode} lets ` +
      `no group in, only its owner uid ${owner.uid}: the mode is the problem, not the groups (give the group ` +
      `read-write, chmod 0660 as dockerd does for its group, or run the collector as uid ${owner.uid})`
    );
  if (inGroup)
    return (
      `it is in the socket's group gid ${owner.gid} and the mode ${mode} lets that group in: something else ` +
      `refuses it (an ACL, SELinux or AppArmor)`
    );
  return add;
}

/**
 * The engine's unix socket refused us (EACCES): says who owns it and who we are, and how to be
 * let in, from the socket's mode: a group to add when the mode lets the group in and we are not
 * in it; the mode itself, or the folder that hides the socket, when no group can help.
 */
export class EnginePermissionDenied extends Error {
  constructor(readonly access: SocketAccess) {
    const { socketPath, owner, blockedBy, uid, groups } = access;
    const whose = owner ? described(owner) : blockedBy ? 'hidden by a folder' : 'its owner cannot be read';
    super(
      `permission denied on the Docker engine's socket ${socketPath} (${whose}); this process runs as uid ${uid} ` +
        `with groups [${groups.join(', ')}]: ${advice(access)}`,
    );
    this.name = 'EnginePermissionDenied';
  }
}

const statOf = (path: string): FileOwner | undefined => {
  try {
    const { uid, gid, mode } = statSync(path);
    return { uid, gid, mode };
  } catch {
    return undefined;
  }
};

/** The first folder from the root down to the socket that this process may not search. */
function blockingFolder(socketPath: string): SocketAccess['blockedBy'] {
  const folders: string[] = [];
  for (let d = dirname(socketPath); !folders.includes(d); d = dirname(d)) folders.unshift(d);
  for (const path of folders) {
    try {
      accessSync(path, X_OK);
    } catch {
      const found = statOf(path);
      return found && { path, ...found };
    }
  }
  return undefined;
}

/**
 * The error as the user should read it: EACCES on a unix socket engine (itself, or the cause of
 * an EngineUnreachableError) becomes an EnginePermissionDenied naming the socket's owner, group
 * and mode, or the folder that hides it (read here with stat), and this process's uid and
 * groups; any other error is returned as it is.
 */
export function explainEngineError(address: string, error: unknown): unknown {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  if ((cause as NodeJS.ErrnoException | null)?.code !== 'EACCES' || !address.startsWith('unix://')) return error;
  const socketPath = address.slice('unix://'.length) || '/var/run/docker.sock';
  const owner = statOf(socketPath);
  const blockedBy = owner ? undefined : blockingFolder(socketPath);
  const uid = process.getuid?.() ?? -1;
  return new EnginePermissionDenied({
    socketPath,
    ...(owner ? { owner } : {}),
    ...(blockedBy ? { blockedBy } : {}),
    uid,
    groups: process.getgroups?.() ?? [],
  });
}
