import { from, lastValueFrom, toArray } from 'rxjs';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { remoteWriteLines } from '../../src/app/remoteWritePoints.js';
import { promLabels, promName } from '../../src/encode/promNames.js';
import { samplesOf } from '../../src/encode/toSamples.js';
import { decodeRemoteWriteBody, remoteWriteBody } from '../../src/deliver/remoteWriteRequest.js';
import { encodeChunk } from '../../src/model/chunk.js';
import { type Point, int } from '../../src/model/point.js';

const T0 = 1_700_000_000_000; // ms
const ns = (ms: number): string => `${ms}000000`;
const tags = { container_id: 'abc', container_name: 'web', image: 'nginx', host: 'h1' };
const cpu = (ms: number, percent: number, t = tags): Point => ({
  measurement: 'cpu',
  tags: t,
  fields: { usage_percent: percent, usage_total: int(ms * 10), throttled: false, note: 'text' },
  timestamp: ns(ms),
});
const container = (ms: number, state: string, t = tags): Point => ({
  measurement: 'container',
  tags: t,
  fields: {
    running: state === 'running',
    state,
    restart_count: int(0),
    ...(state === 'exited' ? { exit_code: int(137) } : {}),
  },
  timestamp: ns(ms),
});

/** Points through the sink's encoding and a body, decoded again with the same library. */
async function roundTrip(points: Point[]) {
  const lines = await lastValueFrom(from(points).pipe(remoteWriteLines(), toArray()));
  return decodeRemoteWriteBody(remoteWriteBody(encodeChunk(lines)));
}

const labelsOf = (series: { labels: { name: string; value: string }[] }): Record<string, string> =>
  Object.fromEntries(series.labels.map((l) => [l.name, l.value]));
const named = (all: Awaited<ReturnType<typeof roundTrip>>, name: string) =>
  all.filter((s) => labelsOf(s).__name__ === name);

/** A double's bits, to tell the stale marker from any other NaN. */
const bits = (value: number): bigint => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0);
};

describe('remote write encoding', () => {
  it('names metrics <measurement>_<field>, labels from the tags, ms timestamps; numbers, bools as 0/1, no strings', async () => {
    const series = await roundTrip([cpu(T0, 12.5)]);
    expect(series.map((s) => labelsOf(s).__name__).sort()).toEqual([
      'cpu_throttled',
      'cpu_usage_percent',
      'cpu_usage_total',
    ]);
    const [usage] = named(series, 'cpu_usage_percent');
    expect(labelsOf(usage!)).toEqual({ __name__: 'cpu_usage_percent', ...tags });
    expect(usage!.samples).toEqual([{ value: 12.5, timestamp: T0 }]);
    expect(named(series, 'cpu_usage_total')[0]!.samples[0]!.value).toBe(T0 * 10);
    expect(named(series, 'cpu_throttled')[0]!.samples[0]!.value).toBe(0);
  });

  it('sends labels sorted by name (__name__ among them, byte order) with no empty name or value', async () => {
    const odd = { Zeta: 'z', container_id: 'abc', 'com.docker.compose.service': 'db', empty: '', '': 'x', alpha: 'a' };
    const [series] = await roundTrip([{ measurement: 'm', tags: odd, fields: { v: 1 }, timestamp: ns(T0) }]);
    const names = series!.labels.map((l) => l.name);
    expect(names).toEqual(['Zeta', '__name__', 'alpha', 'com_docker_compose_service', 'container_id']);
    expect(series!.labels.every((l) => l.name !== '' && l.value !== '')).toBe(true);
  });

  it('sanitizes names to [a-zA-Z_][a-zA-Z0-9_]*', () => {
    expect(promName('io.k8s/pod-name')).toBe('io_k8s_pod_name');
    expect(promName('9lives')).toBe('_9lives');
    expect(promLabels({ 'a-b': '1', a_b: '2', __name__: 'x', é: 'e' })).toEqual(['_', 'e', 'a_b', '1']);
  });

  it("keeps the container's own labels when a chosen label's key sanitizes to one of them", () => {
    // TAG_LABELS=* on a container labelled container.id=x: `container.id` sorts before
    // `container_id` and took its name, so every container labelled x was one series.
    const tags = {
      host: 'h',
      container_id: 'abc',
      container_name: 'web',
      compose_project: 'shop',
      'container.id': 'evil',
      'container-name': 'also-evil',
      'compose.project': 'other',
    };
    expect(promLabels(tags)).toEqual([
      'compose_project',
      'shop',
      'container_id',
      'abc',
      'container_name',
      'web',
      'host',
      'h',
    ]);
  });

  it("sends each series' samples in time order, none at or before one already sent", async () => {
    // Prometheus refuses a whole request for one sample out of order or twice at a time.
    const series = await roundTrip([cpu(T0 + 1000, 2), cpu(T0, 1), cpu(T0 + 1000, 9), cpu(T0 + 2000, 3)]);
    const [usage] = named(series, 'cpu_usage_percent');
    expect(usage!.samples.map((s) => [s.timestamp, s.value])).toEqual([
      [T0 + 1000, 2],
      [T0 + 2000, 3],
    ]);
  });

  it('keeps the containers apart: a series per metric and label set', async () => {
    const other = { ...tags, container_id: 'def', container_name: 'db' };
    const series = await roundTrip([cpu(T0, 1), cpu(T0, 2, other)]);
    expect(
      named(series, 'cpu_usage_percent')
        .map((s) => labelsOf(s).container_name)
        .sort(),
    ).toEqual(['db', 'web']);
  });

  it('sends a stale marker (NaN 0x7ff0000000000002) for every series of a container that exits, 1 ms after its exit', async () => {
    const other = { ...tags, container_id: 'def', container_name: 'db' };
    const series = await roundTrip([
      container(T0, 'running'),
      cpu(T0, 5),
      cpu(T0, 7, other),
      cpu(T0 + 1000, 6),
      container(T0 + 2000, 'exited'),
    ]);
    const web = series.filter((s) => labelsOf(s).container_id === 'abc');
    // cpu_{usage_percent,usage_total,throttled} and container_{running,restart_count,exit_code}
    expect(web.map((s) => labelsOf(s).__name__).sort()).toEqual([
      'container_exit_code',
      'container_restart_count',
      'container_running',
      'cpu_throttled',
      'cpu_usage_percent',
      'cpu_usage_total',
    ]);
    for (const one of web) {
      const last = one.samples.at(-1)!;
      expect(last.timestamp).toBe(T0 + 2001);
      expect(bits(last.value)).toBe(0x7ff0000000000002n);
      expect(one.samples.slice(0, -1).every((s) => !Number.isNaN(s.value))).toBe(true);
    }
    expect(named(series, 'container_exit_code')[0]!.samples[0]).toEqual({ value: 137, timestamp: T0 + 2000 });
    // the other container goes on: no marker
    const db = series.filter((s) => labelsOf(s).container_id === 'def');
    expect(db.every((s) => s.samples.every((x) => !Number.isNaN(x.value)))).toBe(true);
  });

  it('stales a container once: after its markers it is forgotten, and a restart starts its series again', async () => {
    const series = await roundTrip([cpu(T0, 5), container(T0 + 1000, 'exited'), container(T0 + 2000, 'exited')]);
    const [usage] = named(series, 'cpu_usage_percent');
    expect(usage!.samples.filter((s) => Number.isNaN(s.value))).toHaveLength(1);
  });

  it('sends one marker per series when equal tags came in different objects (a new one after an event)', async () => {
    const series = await roundTrip([container(T0, 'running'), container(T0 + 500, 'exited', { ...tags })]);
    const [running] = named(series, 'container_running');
    expect(running!.samples.filter((s) => Number.isNaN(s.value))).toHaveLength(1);
  });

  it('drops points of a staled container (the exit told twice, stats read after it) until it runs again', async () => {
    const series = await roundTrip([
      cpu(T0, 5),
      container(T0 + 1000, 'exited'),
      container(T0 + 1000, 'exited'),
      cpu(T0 + 1500, 8), // read after the exit: no marker would end it
      container(T0 + 1001, 'exited'),
      container(T0 + 5000, 'running'),
      cpu(T0 + 5500, 9),
    ]);
    const [running] = named(series, 'container_running');
    expect(running!.samples.map((s) => [s.timestamp, Number.isNaN(s.value) ? 'stale' : s.value])).toEqual([
      [T0 + 1000, 0],
      [T0 + 1001, 'stale'],
      [T0 + 5000, 1],
    ]);
    const [usage] = named(series, 'cpu_usage_percent');
    expect(usage!.samples.map((s) => [s.timestamp, Number.isNaN(s.value) ? 'stale' : s.value])).toEqual([
      [T0, 5],
      [T0 + 1001, 'stale'],
      [T0 + 5500, 9],
    ]);
  });

  it('writes the stale marker on the wire as the bits of the spec (raw protobuf, not through JS numbers)', () => {
    const body = remoteWriteBody(encodeChunk(['[5,["a","b"],["m",null]]']));
    const raw = Buffer.from(snappy.uncompress(body));
    // Sample.value is field 1, wire type 1 (64-bit): tag 0x09, then the double little-endian.
    const at = raw.indexOf(0x09, raw.indexOf(Buffer.from('m')) + 1);
    expect(raw.readBigUInt64LE(at + 1)).toBe(0x7ff0000000000002n);
  });

  it('keeps label sets apart that joined by a NUL were one key', () => {
    const lines = ['[1,["","x"],["m",1]]', '[1,["\\u0000x"],["m",2]]'];
    expect(decodeRemoteWriteBody(remoteWriteBody(encodeChunk(lines))).map((s) => s.samples[0]!.value)).toEqual([1, 2]);
  });

  it('leaves out points with no numeric field and skips a damaged line', () => {
    const toSamples = samplesOf();
    expect(toSamples({ measurement: 'x', tags: {}, fields: { s: 'only text' }, timestamp: ns(T0) })).toBeUndefined();
    expect(decodeRemoteWriteBody(remoteWriteBody(encodeChunk(['not json', '[1,[],["m",1]]'])))).toHaveLength(1);
  });
});
