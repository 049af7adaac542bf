import { once } from 'node:events';
import { type Socket, createServer, connect } from 'node:net';

/**
 * The one place that reaches into Node's socket internals. `_handle` with `reading`,
 * `readStop()` and `readStart()` is what net.Socket itself drives (lib/net.js, Node 20); it is not
 * public API, so `probeSocketPause` checks it on a real socket at start-up, and without it every
 * pause is a plain `pause()`.
 */
interface StreamHandle {
  reading: boolean;
  readStop(): number;
  readStart(): number;
}

interface ResponseLike {
  readonly complete?: boolean;
  readonly socket?: { readonly _handle?: Partial<StreamHandle> | null; readonly encrypted?: boolean } | null;
}

/** Whether handles may be stopped; false after a failed probe. */
let handlesUsable = true;

/** Handles this module stopped, by the response they carry. */
const held = new WeakMap<NodeJS.ReadableStream, StreamHandle>();

const isHandle = (handle: Partial<StreamHandle> | null | undefined): handle is StreamHandle =>
  !!handle &&
  typeof handle.readStop === 'function' &&
  typeof handle.readStart === 'function' &&
  typeof handle.reading === 'boolean';

/** The plain (unix or TCP, not TLS) socket handle under an HTTP response still being received. */
function handleOf(source: NodeJS.ReadableStream): StreamHandle | undefined {
  if (!handlesUsable) return undefined;
  const { complete, socket } = source as ResponseLike;
  if (complete !== false || !socket || socket.encrypted) return undefined;
  const handle = socket._handle;
  return isHandle(handle) ? handle : undefined;
}

function destroy(source: NodeJS.ReadableStream, error: Error): void {
  (source as NodeJS.ReadableStream & { destroy?(error: Error): void }).destroy?.(error);
}

/**
 * Checks, on a loopback socket pair, that this Node's socket handles can be stopped and started
 * as `pauseReading` does; if not, `pauseReading` falls back to `pause()` alone (correct, only
 * with more wake-ups). Resolves with the answer.
 */
export async function probeSocketPause(): Promise<boolean> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const client: Socket = connect(port, '127.0.0.1');
  try {
    await once(client, 'connect');
    const handle = (client as unknown as { _handle?: Partial<StreamHandle> | null })._handle;
    handlesUsable = isHandle(handle) && handle.readStop() === 0 && handle.readStart() === 0;
  } catch {
    handlesUsable = false;
  } finally {
    client.destroy();
    server.close();
  }
  return handlesUsable;
}

/**
 * Pauses or resumes reading a byte stream. For an HTTP response (the engine's stats stream) it
 * also stops the socket handle, as net.Socket does for itself: pausing the response alone leaves
 * Node reading the socket into the response's buffer until its high-water mark (16 kB, eight
 * records), so each record the engine sends still wakes the process. With the handle stopped,
 * records wait in the kernel and a read window takes them all in one pass (docs/benchmarks.md,
 * section 2). Only a handle this function stopped is started again, so a socket Node paused for
 * its own reasons stays as Node left it.
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
