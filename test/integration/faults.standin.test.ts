import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawRecord } from '../../src/model/records.js';
import { allStats$ } from '../../src/sources/apiSource.js';
import { connectEngine } from '../../src/sources/engine/engine.js';
import { captureLogger } from '../support/captureLogger.js';
import { scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { parseLineProtocol } from '../support/parseLineProtocol.js';
import { eventually } from '../support/realEngine.js';
import {
  type StandInContainer,
  type StandInOptions,
  StandInEngine,
  defaultRecord,
  fakeId,
} from '../support/standInEngine.js';

// Faults only a stand-in engine can play (issue 16): an engine that holds the /events headers,
// and a flood of hostile records. Real HTTP on a unix socket; every wait is for a condition.
const engines: StandInEngine[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'dss-faults-'));
  dirs.push(dir);
  return dir;
};

async function standIn(containers: StandInContainer[], options: Partial<StandInOptions> = {}): Promise<StandInEngine> {
  const engine = new StandInEngine({ socketPath: join(tempDir(), 'docker.sock'), containers, ...options });
  engines.push(await engine.start());
  return engine;
}

describe('an engine that accepts /events but sends no response headers', () => {
  it('after 5 s: a warning naming the engine, the containers listed anyway; listed again once events connect', async () => {
    const engine = await standIn([{ id: fakeId(1), name: 'box-1' }], {
      eventsAnswerAfterMs: 7000,
      streamIntervalMs: 100,
    });
    const log = captureLogger();
    const records: RawRecord[] = [];
    const names = (): Set<string> => new Set(records.map((r) => r.container.name));
    const sub = allStats$(connectEngine({ DOCKER_HOST: engine.address }), { log }).subscribe((r) => records.push(r));
    try {
      expect(await eventually(() => names().has('box-1'), 10_000)).toBe(true);
      expect(engine.eventsAnswered).toBe(false); // listed while the events still wait
      const warning = log.entries.find((e) => e.level === 'warn' && /has not answered \/events/.test(e.msg ?? ''));
      expect(JSON.stringify(warning?.obj)).toContain(engine.address);
      // started while nobody could hear of it: the listing after the events connect finds it
      const quiet = { id: fakeId(2), name: 'quiet' };
      engine.containers.set(quiet.id, quiet);
      expect(await eventually(() => names().has('quiet'), 15_000)).toBe(true);
      expect(engine.eventsAnswered).toBe(true);
      const late = { id: fakeId(3), name: 'late' };
      engine.containers.set(late.id, late);
      engine.emitEvent('start', late);
      expect(await eventually(() => names().has('late'))).toBe(true);
      expect(engine.openStreams(fakeId(1))).toBe(1); // one stream per container, listed twice or not
    } finally {
      sub.unsubscribe();
    }
  }, 30_000);
});

/** Records of every hostile kind, by sequence number; one in ten is a valid record. */
function hostileRecord(container: StandInContainer, seq: number): string {
  const valid = defaultRecord(container, seq);
  const parsed = JSON.parse(valid) as Record<string, any>;
  switch (seq % 10) {
    case 0:
      return valid;
    case 1:
      return valid.slice(0, valid.length / 2); // truncated
    case 2:
      parsed.cpu_stats.cpu_usage.total_usage = 'lots'; // a wrong type
      return JSON.stringify(parsed);
    case 3:
      return valid.replace(/"usage":\d+/, '"usage":1e400'); // beyond a double: Infinity
    case 4:
      return valid.replace(/"rx_bytes":\d+/, '"rx_bytes":NaN'); // not JSON
    case 5:
      parsed.networks = {
        'eth0,host=evil x=1 1\nmemory,host=evil usage=1': parsed.networks.eth0,
        'tab\there': parsed.networks.eth0,
      };
      return JSON.stringify(parsed);
    case 6:
      return ['[]', 'null', '"a string"', '{}', '42'][seq % 5]!;
    case 7:
      parsed.read = 'yesterday';
      return JSON.stringify(parsed);
    case 8:
      parsed.memory_stats.usage = 18446744073709551615; // uint64 max: "unlimited", beyond int64
      parsed.memory_stats.stats = { total_inactive_file: -5 };
      return JSON.stringify(parsed);
    default:
      parsed.blkio_stats = { io_service_bytes_recursive: [{ major: 8, minor: 0, op: 'Read\n,x=1', value: 1 }] };
      return JSON.stringify(parsed);
  }
}

describe('100,000 malformed and hostile records through the daemon', () => {
  it('no crash, every record counted, no foreign series or tags written', async () => {
    // Container names with line-protocol metacharacters, as listed by the engine.
    const names = ['plain', 'comma,host=evil', 'space x=1', 'equals=sign', 'quote"d', 'back\\slash', 'new\nline'];
    const containers = Array.from({ length: 20 }, (_, i) => ({
      id: fakeId(i + 1),
      name: `${names[i % names.length]}-${i}`,
    }));
    const perStream = 5000;
    const engine = await standIn(containers, {
      record: hostileRecord,
      streamIntervalMs: 1,
      recordsPerContainer: perStream,
    });
    const out = join(tempDir(), 'points.lp');
    const port = await freePort();
    const daemon = spawnDaemon({
      DOCKER_HOST: engine.address,
      STATS_SOURCE: 'api',
      HOST_TAG: 'the-host',
      OUTPUT: `file:${out}`,
      METRICS_PORT: String(port),
      LOG_LEVEL: 'warn',
    });
    const total = containers.length * perStream;
    try {
      const counted = async (): Promise<number> =>
        (await scrapeMetric(port, 'dss_records_total')) + (await scrapeMetric(port, 'dss_decode_errors_total'));
      expect(await eventually(async () => (await counted()) === total, 120_000)).toBe(true);
      expect(engine.recordsSent).toBe(total);
      // truncated, a wrong type, NaN, not an object, an unreadable `read`: five kinds in ten are refused
      expect(await scrapeMetric(port, 'dss_decode_errors_total')).toBe(total / 2);
    } finally {
      daemon.process.kill('SIGTERM');
    }
    expect(await daemon.exited).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(total / 10);
    const points = lines.map(parseLineProtocol);
    const allowedTags = new Set(['host', 'image', 'container_id', 'container_name', 'interface', 'device']);
    const ids = new Set(containers.map((c) => c.id));
    // Line protocol has no newline in a tag: the serializer writes it as the two characters `\n`.
    const asWritten = (s: string): string => s.replace(/\n/g, '\\n');
    const containerNames = new Set(containers.map((c) => asWritten(c.name)));
    for (const p of points) {
      expect(['cpu', 'memory', 'network', 'blockio', 'container']).toContain(p.measurement);
      for (const key of Object.keys(p.tags)) expect(allowedTags.has(key), key).toBe(true);
      expect(p.tags.host).toBe('the-host');
      expect(ids.has(p.tags.container_id!)).toBe(true);
      expect(containerNames.has(p.tags.container_name!), JSON.stringify(p.tags)).toBe(true);
    }
    // The hostile interface name is a tag value, whole; never a series of its own.
    const interfaces = new Set(points.filter((p) => p.measurement === 'network').map((p) => p.tags.interface));
    expect(interfaces).toContain(asWritten('eth0,host=evil x=1 1\nmemory,host=evil usage=1'));
  }, 180_000);
});
