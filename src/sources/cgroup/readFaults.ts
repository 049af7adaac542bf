/** Read errors that mean the container is gone: its cgroup removed (ENOENT, ENODEV) or its process ended (ESRCH). */
export const GONE: ReadonlySet<string> = new Set(['ENOENT', 'ENODEV', 'ESRCH']);

/** The errno code of a failed read (`EMFILE`), if it has one. */
export const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** Whether a failed read means the container's files are gone, as opposed to unreadable now. */
export const isGone = (error: unknown): boolean => GONE.has(codeOf(error) ?? '');

/**
 * Failed samples in a row that are tried again before a container's stream fails (EMFILE and
 * ENFILE pass when other files close; EACCES, EIO or a file that is not one do not). The engine
 * itself tries again at every tick for ever, sending empty records meanwhile (moby
 * daemon/stats/collector.go); we stop after these, so that `auto` can hand the container to it.
 */
export const READ_RETRIES = 4;

/** Sample ticks to wait before retry `attempt` (1-based): 1, 2, 4 and 8, 15 intervals in all (15 s by default). */
export const retryAfterTicks = (attempt: number): number => 2 ** (attempt - 1);

/**
 * Names the file a read error came from on the error itself (an fs error from `readSync` names
 * none, one from `openSync` names the container's path): by its name only, so that the reason
 * built from it is the same for every container and is logged once per engine.
 */
export function fileOfError(error: unknown, file: string): unknown {
  if (typeof error === 'object' && error !== null && !('file' in error)) (error as { file: string }).file = file;
  return error;
}

/**
 * A container's cgroup files that failed to read `tries` times in a row, for a reason other than
 * their being gone. `reason` says what failed and where, naming no container: `EMFILE reading
 * memory.stat`.
 */
export class CgroupReadFailed extends Error {
  readonly reason: string;

  constructor(cause: unknown, tries: number, file = (cause as { file?: string } | null)?.file ?? 'its cgroup files') {
    const detail = (cause as Error | null)?.message ?? String(cause);
    const reason = `${codeOf(cause) ?? detail} reading ${file}`;
    super(`${reason} (${tries} tries): ${detail}`, { cause });
    this.name = 'CgroupReadFailed';
    this.reason = reason;
  }
}
