/** What a failed file operation says: its errno code (ENOSPC, EROFS, EIO, ...), else its message. */
export const errorCode = (error: unknown): string =>
  (error as NodeJS.ErrnoException | null)?.code ?? (error instanceof Error ? error.message : String(error));
