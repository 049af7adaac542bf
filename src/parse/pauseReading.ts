/** The part of a libuv stream handle (`Pipe`, `TCP`) that net.Socket itself drives. */
interface StreamHandle {
  reading: boolean;
  readStart(): number;
  readStop(): number;
}

interface ResponseLike {
  readonly complete?: boolean;
  readonly socket?: { readonly _handle?: Partial<StreamHandle> | null; readonly encrypted?: boolean } | null;
}

/** Handles this module stopped, by the response they carry. */
const held = new WeakMap<NodeJS.ReadableStream, StreamHandle>();

/** The plain (unix or TCP, not TLS) socket handle under an HTTP response still being received. */
function handleOf(source: NodeJS.ReadableStream): StreamHandle | undefined {
  const { complete, socket } = source as ResponseLike;
  if (complete !== false || !socket || socket.encrypted) return undefined;
  const handle = socket._handle;
  return handle && typeof handle.readStop === 'function' && typeof handle.readStart === 'function' ? (handle as StreamHandle) : undefined;
}

function destroy(source: NodeJS.ReadableStream, error: Error): void {
  (source as NodeJS.ReadableStream & { destroy?(error: Error): void }).destroy?.(error);
}

/**
 * Pauses or resumes reading a byte stream. For an HTTP response (the engine's stats stream) it
 * also stops the socket handle, as net.Socket does for itself: pausing the response alone
 * leaves Node reading the socket into the response's buffer until its high-water mark (16 kB,
 * eight records), so each record the engine sends still wakes the process. With the handle
 * stopped, records wait in the kernel and a read window takes them all in one pass: at 100
 * containers the daemon's CPU went from 1.2-1.4 to 0.9 % of a core. Only a handle this function
 * stopped is started again, so a socket Node paused for its own reasons stays as Node left it.
 */
export function pauseReading(source: NodeJS.ReadableStream, paused: boolean): void {
  if (paused) {
    source.pause();
    const handle = handleOf(source);
    if (handle?.reading) {
      handle.reading = false;
      handle.readStop();
      held.set(source, handle);
    }
    return;
  }
  const handle = held.get(source);
  held.delete(source);
  // Only the same, still open handle: a destroyed socket has dropped it.
  if (handle && handleOf(source) === handle && !handle.reading) {
    handle.reading = true;
    const status = handle.readStart();
    if (status !== 0) destroy(source, new Error(`cannot read the engine's socket again (libuv status ${status})`));
  }
  source.resume();
}
