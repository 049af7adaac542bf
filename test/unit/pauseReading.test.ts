import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pauseReading, probeSocketPause } from '../../src/parse/pauseReading.js';
import { eventually } from '../support/realEngine.js';

type Handle = { reading: boolean } | null | undefined;
const handleOf = (res: IncomingMessage): Handle => (res.socket as unknown as { _handle: Handle } | null)?._handle;

/** A server on a unix socket whose one response writes numbered 1 kB lines when told to. */
async function lineServer() {
  const path = join(mkdtempSync(join(tmpdir(), 'dss-pause-')), 'http.sock');
  let written = 0;
  let response: ServerResponse | undefined;
  const server = createServer((_req, res) => {
    response = res;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
  });
  await new Promise<void>((r) => server.listen(path, r));
  const open = () =>
    new Promise<IncomingMessage>((resolve, reject) =>
      request({ socketPath: path, path: '/stats' }, resolve).on('error', reject).end(),
    );
  const write = (n: number): void => {
    for (let i = 0; i < n; i++) response!.write(`line ${++written} ${'x'.repeat(1000)}\n`);
  };
  const close = () => {
    response?.destroy();
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  };
  return { open, write, close, written: () => written, backlog: () => response?.writableLength ?? 0 };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

describe('pauseReading', () => {
  it('finds on this Node the socket handle it stops and starts', async () => {
    expect(await probeSocketPause()).toBe(true);
  });

  it("stops an HTTP response's socket while paused, and loses nothing the server wrote meanwhile", async () => {
    const server = await lineServer();
    close = server.close;
    const res = await server.open();
    let text = '';
    res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    server.write(10);
    expect(await eventually(() => text.split('\n').length > 10)).toBe(true);

    pauseReading(res, true);
    expect(handleOf(res)?.reading).toBe(false);
    const readAtPause = res.socket.bytesRead;
    // Enough to fill the socket's kernel buffers: the server is left holding what nobody reads.
    server.write(2000);
    expect(await eventually(() => server.backlog() > 0)).toBe(true);
    // A response paused alone would have read on into its own buffer; the socket read nothing.
    expect(res.socket.bytesRead).toBe(readAtPause);

    pauseReading(res, false);
    expect(handleOf(res)?.reading).toBe(true);
    expect(await eventually(() => text.split('\n').length > server.written())).toBe(true);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => l.split(' ').slice(0, 2).join(' '));
    expect(lines).toEqual(lines.map((_, i) => `line ${i + 1}`)); // in order, none skipped
    res.destroy();
  });

  it('resumes a response whose socket was destroyed while paused without touching the closed handle', async () => {
    const server = await lineServer();
    close = server.close;
    const res = await server.open();
    res.resume();
    pauseReading(res, true);
    const errors: unknown[] = [];
    res.on('error', (e) => errors.push(e));
    res.destroy();
    await once(res, 'close');
    pauseReading(res, false);
    expect([res.destroyed, handleOf(res) ?? null, errors]).toEqual([true, null, []]);
  });

  it('pauses and resumes a plain stream as Node does', () => {
    const source = new PassThrough();
    source.on('data', () => undefined);
    pauseReading(source, true);
    expect(source.isPaused()).toBe(true);
    pauseReading(source, false);
    expect(source.isPaused()).toBe(false);
  });
});
