import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pauseReading } from '../../src/parse/pauseReading.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Handle = { reading: boolean } | null | undefined;
const handleOf = (res: IncomingMessage): Handle => (res.socket as unknown as { _handle: Handle })._handle;

/** A server on a unix socket whose one response writes `line N` every 10 ms until closed. */
async function lineServer() {
  const path = join(mkdtempSync(join(tmpdir(), 'dss-pause-')), 'http.sock');
  let written = 0;
  let response: ServerResponse | undefined;
  const server = createServer((_req, res) => {
    response = res;
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(`line ${++written}\n`), 10);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => server.listen(path, r));
  const open = () =>
    new Promise<IncomingMessage>((resolve, reject) => request({ socketPath: path, path: '/stats' }, resolve).on('error', reject).end());
  const close = () => {
    response?.destroy();
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  };
  return { open, close, written: () => written };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

describe('pauseReading', () => {
  it("stops an HTTP response's socket while paused, and loses nothing the server wrote meanwhile", async () => {
    const server = await lineServer();
    close = server.close;
    const res = await server.open();
    let text = '';
    res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    await sleep(60);

    pauseReading(res, true);
    expect(handleOf(res)?.reading).toBe(false);
    await sleep(20); // what was already in flight drains
    const atPause = text.length;
    const writtenAtPause = server.written();
    await sleep(150);
    expect(text.length).toBe(atPause); // no read at all while paused
    expect(server.written()).toBeGreaterThan(writtenAtPause + 5);

    pauseReading(res, false);
    expect(handleOf(res)?.reading).toBe(true);
    await sleep(60);
    const lines = text.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(writtenAtPause + 5);
    expect(lines).toEqual(lines.map((_, i) => `line ${i + 1}`)); // in order, none skipped
    res.destroy();
  });

  it('resumes a response whose socket was destroyed while paused without touching the closed handle', async () => {
    const server = await lineServer();
    close = server.close;
    const res = await server.open();
    res.resume();
    await sleep(30);
    pauseReading(res, true);
    res.destroy();
    await sleep(10);
    expect(() => pauseReading(res, false)).not.toThrow();
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
