import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../../src/model/records.js';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { decodeRecord, decodeStats } from '../../src/validate/decodeStats.js';
import { captureLogger } from '../support/captureLogger.js';
import { fixtureLines } from '../support/fixtures.js';
import { handBuilt } from '../support/handBuilt.js';
import type { Instant } from '../../src/model/timestamp.js';

const web = { id: 'a'.repeat(64), name: 'web-1', image: 'local/busybox', labels: {} };
const db = { id: 'b'.repeat(64), name: 'db-1', image: 'local/busybox', labels: {} };

describe('decodeStats', () => {
  it('decodes every real capture and the hand-built v1, v2 and Windows records', () => {
    for (const file of [
      'stream-busy-cgroupv1.ndjson',
      'stream-idle-cgroupv1.ndjson',
      'stream-until-stop.ndjson',
      'stream-stopped-container.ndjson',
      'oneshot-cgroupv1.json',
    ]) {
      for (const line of fixtureLines(file)) expect(typeof decodeRecord(line), file).toBe('object');
    }
    for (const name of ['stats-cgroupv1.json', 'stats-cgroupv2.json', 'stats-windows.json'] as const) {
      expect(typeof decodeRecord(JSON.stringify(handBuilt(name))), name).toBe('object');
    }
  });

  it('names the path, what was expected and what came', () => {
    const bad = handBuilt('stats-cgroupv1.json');
    bad.cpu_stats.cpu_usage.total_usage = 'x';
    expect(decodeRecord(JSON.stringify(bad))).toBe('Expecting number at cpu_stats.cpu_usage.total_usage but got "x"');
    const badEntry = handBuilt('stats-cgroupv2.json');
    badEntry.blkio_stats.io_service_bytes_recursive[1].value = null;
    expect(decodeRecord(JSON.stringify(badEntry))).toContain(
      'Expecting number at blkio_stats.io_service_bytes_recursive.1.value but got null',
    );
    expect(decodeRecord('{"read":"yesterday","cpu_stats":{}}')).toBe(
      'Expecting RFC3339Nano at read but got "yesterday"',
    );
    expect(decodeRecord('{"read":"2026-11-24T12:19:42Z","cpu')).toMatch(/^not JSON: /);
  });

  it('skips bad records, counts each, logs once per container, and lets every stream go on', async () => {
    const [good1, good2] = fixtureLines('stream-busy-cgroupv1.ndjson');
    const bad = good1!.replace('"total_usage":252054084386', '"total_usage":"x"');
    const lines: RawRecord[] = [
      { container: web, line: good1! },
      { container: web, line: bad },
      { container: db, line: 'not json at all' },
      { container: web, line: '{"read":' },
      { container: db, line: good2! },
      { container: web, line: good2! },
    ];
    const reported: TelemetryEvent[] = [];
    const log = captureLogger();
    const out = await lastValueFrom(
      from(lines).pipe(decodeStats({ log, telemetry: { next: (e) => reported.push(e) } }), toArray()),
    );
    const failures = reported.flatMap((e) => (e.type === 'record-refused' ? [e] : []));
    // each sample's time, written back as the engine wrote `read`
    const read = ({ seconds, nanos }: Instant) =>
      `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(nanos).padStart(9, '0')}Z`;
    expect(out.map((d) => `${d.container.name} ${read(d.at)}`)).toEqual([
      'web-1 2026-11-24T12:19:42.160866623Z',
      'db-1 2026-11-24T12:19:43.163314862Z',
      'web-1 2026-11-24T12:19:43.163314862Z',
    ]);
    expect(reported.map((e) => e.type)).toEqual(['record-refused', 'record-refused', 'record-refused']);
    expect(failures.map((f) => f.container)).toEqual(['web-1', 'db-1', 'web-1']);
    expect(failures[0]?.reason).toBe('Expecting number at cpu_stats.cpu_usage.total_usage but got "x"');
    expect(log.entries.map((e) => [e.level, (e.obj as { container: string }).container])).toEqual([
      ['warn', 'web-1'],
      ['warn', 'db-1'],
    ]);
  });

  it('remembers at most 10,000 logged containers: past that, the memory starts over', async () => {
    const many: RawRecord[] = Array.from({ length: 10_001 }, (_, i) => ({
      container: { ...web, id: String(i), name: `c${i}` },
      line: 'x',
    }));
    const log = captureLogger();
    await lastValueFrom(from([...many, many[0]!, many[10_000]!]).pipe(decodeStats({ log }), toArray()));
    const names = log.entries.map((e) => (e.obj as { container: string }).container);
    // c0 .. c9999 fill the memory; c10000 clears it and is logged; then c0 is new again, c10000 is not.
    expect(names).toHaveLength(10_002);
    expect(names.slice(-2)).toEqual(['c10000', 'c0']);
  });
});
