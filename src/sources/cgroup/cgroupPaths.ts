/** The cgroup v1 controllers whose files the cgroup source reads; it cannot do without cpuacct's. */
const V1_CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'pids', 'blkio'] as const;
type V1Controller = (typeof V1_CONTROLLERS)[number];

/**
 * Where one container's cgroup files are. On a hybrid host, v1 also has `unified`: the
 * container's directory in the v2 hierarchy systemd mounts beside the controllers, which has no
 * controller but the kernel's pressure (PSI) files.
 */
export type CgroupLayout =
  | {
      readonly version: 1;
      readonly dirs: Readonly<Record<V1Controller, string | undefined>>;
      readonly unified?: string;
    }
  | { readonly version: 2; readonly dir: string };

/** One line of /proc/<pid>/cgroup: `hierarchy-ID:controller-list:cgroup-path`. */
export interface CgroupEntry {
  readonly controllers: readonly string[];
  readonly path: string;
}

/** /proc/<pid>/cgroup; the v2 (unified) line has no controllers. `name=systemd` is not a controller we read. */
export function parseProcCgroup(text: string): CgroupEntry[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const first = line.indexOf(':');
      const second = line.indexOf(':', first + 1);
      const list = line.slice(first + 1, second);
      return { controllers: list === '' ? [] : list.split(','), path: line.slice(second + 1) };
    });
}

/** Why a container's cgroup cannot be read here: said once per engine in the log. */
export class CgroupUnreadable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CgroupUnreadable';
  }
}

/**
 * Finds a container's cgroup directories under `root` (HOST_CGROUP) from the cgroup paths its
 * init process is in, as the kernel lists them: so cgroupfs and systemd drivers, cgroup v1, v2
 * and hybrid, rootful and rootless engines all resolve the same way. v1 controllers are mounted
 * at `root/<controller>` (or at the comma-joined name of a joint mount, `cpu,cpuacct`); v2 is
 * `root` itself when it holds `cgroup.controllers`, else `root/unified` (hybrid). Where v1 has
 * the cpuacct controller, v1 is read, as the engine does; the others may be missing (a kernel
 * booted with cgroup_disable=memory: the engine then reports no memory, and neither do we).
 *
 * Refuses, naming why: a path outside this process's cgroup namespace (`/..`: run the collector
 * with the host's cgroup namespace), a path that does not name the container (the engine's pid
 * is not this host's process: another pid namespace or another machine), a missing directory.
 */
export function resolveLayout(
  entries: readonly CgroupEntry[],
  containerId: string,
  root: string,
  exists: (path: string) => boolean,
): CgroupLayout {
  const check = (path: string): void => {
    if (path.startsWith('/..')) {
      throw new CgroupUnreadable(
        `its cgroup ${path} is outside this process's cgroup namespace (run the collector with the host's: --cgroupns host)`,
      );
    }
    if (!path.includes(containerId)) {
      throw new CgroupUnreadable(
        `its init process is in cgroup ${path}, which does not name it: the engine's pids are not this host's (another pid namespace or machine; mount the host's /proc as HOST_PROC)`,
      );
    }
  };
  const v1 = entries.filter((e) => e.controllers.length > 0);
  const byController = (name: string): CgroupEntry | undefined => v1.find((e) => e.controllers.includes(name));
  if (byController('cpuacct')) {
    const dirs = {} as Record<V1Controller, string | undefined>;
    for (const controller of V1_CONTROLLERS) {
      const entry = byController(controller);
      if (!entry) continue;
      check(entry.path);
      const candidates = [`${root}/${controller}${entry.path}`, `${root}/${entry.controllers.join(',')}${entry.path}`];
      dirs[controller] = candidates.find(exists);
    }
    if (!dirs.cpuacct || (byController('memory') && !dirs.memory))
      throw new CgroupUnreadable(`its cgroup v1 directories are not under ${root} (HOST_CGROUP)`);
    const unified = hybridDir(entries, containerId, root, exists);
    return unified === undefined ? { version: 1, dirs } : { version: 1, dirs, unified };
  }
  const unified = entries.find((e) => e.controllers.length === 0);
  if (!unified) throw new CgroupUnreadable('its init process is in no cgroup this collector can read');
  check(unified.path);
  const base = exists(`${root}/unified`) && !exists(`${root}/cgroup.controllers`) ? `${root}/unified` : root;
  const dir = `${base}${unified.path}`;
  if (!exists(dir)) throw new CgroupUnreadable(`its cgroup v2 directory ${dir} does not exist (HOST_CGROUP=${root})`);
  return { version: 2, dir };
}

/**
 * A v1 container's directory in the unified hierarchy of a hybrid host (`root/unified`, where
 * systemd mounts it), from the `0::` line, as the v1 controllers' paths are found: only its
 * pressure files are read there, so a path that does not name the container, or is not there
 * (a v1-only host, an older systemd), is no PSI rather than a refusal.
 */
function hybridDir(
  entries: readonly CgroupEntry[],
  containerId: string,
  root: string,
  exists: (path: string) => boolean,
): string | undefined {
  const entry = entries.find((e) => e.controllers.length === 0);
  if (!entry || entry.path.startsWith('/..') || !entry.path.includes(containerId)) return undefined;
  const dir = `${root}/unified${entry.path}`;
  return exists(dir) ? dir : undefined;
}
