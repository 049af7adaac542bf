import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TimeSeries, decodeRemoteWriteBody } from '../../src/deliver/remoteWriteRequest.js';
import { logLines, spawnDaemon } from '../support/daemon.js';
import { OwnVictoriaMetrics } from '../support/ownVictoriaMetrics.js';
import { TEST_LABEL, control, eventually, realEngine, testContainers } from '../support/realEngine.js';

// Hostile label values (TAG_LABELS) through the built daemon's remote write, its sample lines
// through the disk spool (SPOOL_DIR): what a VictoriaMetrics of the test's own stores, and, for a
// value past VictoriaMetrics' label length, what a server of the test's own receives, byte for byte.
const SUITE = 'rwhostile';
const boxes = testContainers(SUITE);
const BOX = `${boxes.prefix}box`;
const own = new OwnVictoriaMetrics();
const spools: string[] = [];

// A value past the 64 kB chunkLines decodes at a time, of 2- and 4-byte UTF-8.
const LONG = `${'é'.repeat(20_000)}🐳${'世'.repeat(10_000)}x`;
const HOSTILE: Record<string, string> = {
  'rw.tab': 'a\tb',
  'rw.newline': 'line1\nline2',
  'rw.crlf': 'dos\r\n',
  'rw.quotes': 'say "hi" \\"there\\"',
  'rw.backslash': 'C:\\data\\',
  'rw.ls': 'a\u2028b\u2029c',
  'rw.json': '["0",{"a":1}]\t[1]\t["m"]',
  'rw.tabs3': '\t\t\t',
  // the text the reader looks for at the labels' end, inside a value, and a value ending in a backslash
  'rw.end': 'x"],["y',
  'rw.endslash': 'z\\"],[\\',
  'rw.a-b': 'first',
  'rw.a_b': 'second',
};
// promLabels: names sanitized; of two that collide the first in their own names' order is kept
const expected: Record<string, string> = {
  rw_tab: 'a\tb',
  rw_newline: 'line1\nline2',
  rw_crlf: 'dos\r\n',
  rw_quotes: 'say "hi" \\"there\\"',
  rw_backslash: 'C:\\data\\',
  rw_ls: 'a\u2028b\u2029c',
  rw_json: '["0",{"a":1}]\t[1]\t["m"]',
  rw_tabs3: '\t\t\t',
  rw_end: 'x"],["y',
  rw_endslash: 'z\\"],[\\',
  rw_a_b: 'first',
};
const ours = (labels: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('rw_') && k !== 'rw_long'));

function daemonTo(url: string): ReturnType<typeof spawnDaemon> {
  const spool = mkdtempSync(join(tmpdir(), 'dss-rwhostile-'));
  spools.push(spool);
  return spawnDaemon({
    INCLUDE_NAMES: BOX,
    TAG_LABELS: 'rw.*',
    MEASUREMENTS: 'container,cpu',
    REMOTE_WRITE_URL: url,
    SPOOL_DIR: spool,
    FLUSH_INTERVAL_MS: '500',
    SAMPLE_INTERVAL_MS: '500',
    METRICS_PORT: '0',
  });
}

describe('hostile label values through remote write and the spool', () => {
  beforeAll(async () => {
    await realEngine();
    await own.start();
    await boxes.removeAll();
    const container = await control.createContainer({
      Image: 'local/busybox',
      name: BOX,
      Cmd: ['sleep', '600'],
      Labels: { ...HOSTILE, 'rw.long': LONG, [TEST_LABEL]: SUITE },
      StopTimeout: 0,
    });
    await container.start();
    expect((await container.inspect()).Config.Labels).toMatchObject({ ...HOSTILE, 'rw.long': LONG });
  }, 60_000);
  afterAll(async () => {
    await boxes.removeAll();
    await own.remove();
    for (const spool of spools) rmSync(spool, { recursive: true, force: true });
  });

  it('VictoriaMetrics stores every value as the container has it', async () => {
    const daemon = daemonTo(`${own.url}/api/v1/write`);
    const selector = `container_running{container_name="${BOX}"}`;
    try {
      expect(await eventually(async () => (await own.export(selector)).length > 0, 30_000), daemon.stderr).toBe(true);
    } finally {
      daemon.process.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
    }
    expect(logLines(daemon).filter((l) => l.msg === 'the database rejected points')).toEqual([]);
    expect((await own.export(selector)).map((s) => ours(s.metric))).toEqual([expected]);
  }, 90_000);

  it('a server receives the long value whole, in every series', async () => {
    const bodies: TimeSeries[][] = [];
    const server: Server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (part: Buffer) => parts.push(part));
      req.on('end', () => {
        bodies.push(decodeRemoteWriteBody(Buffer.concat(parts)));
        res.writeHead(204).end();
      });
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const daemon = daemonTo(`http://127.0.0.1:${port}/api/v1/write`);
    const series = (): TimeSeries[] => bodies.flat();
    try {
      const some = async (): Promise<boolean> =>
        series().some((s) => s.labels.some((l) => l.name === '__name__' && l.value === 'cpu_usage_percent'));
      expect(await eventually(some, 30_000), daemon.stderr).toBe(true);
    } finally {
      daemon.process.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
      server.close();
    }
    expect(series().length).toBeGreaterThan(0);
    for (const one of series()) {
      const labels = Object.fromEntries(one.labels.map((l) => [l.name, l.value]));
      expect(labels.rw_long === LONG, `rw_long of ${labels.__name__}: ${labels.rw_long?.length}`).toBe(true);
      expect(ours(labels)).toEqual(expected);
    }
  }, 90_000);
});
