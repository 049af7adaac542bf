import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { OwnVictoriaMetrics, freePort } from '../support/ownVictoriaMetrics.js';
import { TEST_LABEL, control, eventually, realEngine, testContainers } from '../support/realEngine.js';
import { type ExportedSeries, VM_URL, exportSeries, requireVictoriaMetrics } from '../support/victoriaMetrics.js';

// The built daemon writing line protocol to the test bed's VictoriaMetrics and, at once, remote
// write to a VictoriaMetrics of the test's own (/api/v1/write): the same series, names and
// values arrive through both; after `docker rm -f`, the remote-write series end in stale markers.
const SUITE = 'remotewrite';
const boxes = testContainers(SUITE);
const BOX = `${boxes.prefix}busy`;
const HOST = `${SUITE}-${process.pid}-${Date.now()}`;
const own = new OwnVictoriaMetrics();

/** A series' identity without VictoriaMetrics's own `db` label (the line protocol's bucket). */
const key = (s: ExportedSeries): string =>
  JSON.stringify(
    Object.entries(s.metric)
      .filter(([name]) => name !== 'db')
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
const byKey = (series: ExportedSeries[]): Map<string, ExportedSeries> => new Map(series.map((s) => [key(s), s]));
const ofBox = (series: ExportedSeries[]): ExportedSeries[] => series.filter((s) => s.metric.container_name === BOX);

describe('remote write beside line protocol, into real VictoriaMetrics', () => {
  beforeAll(async () => {
    await realEngine();
    await requireVictoriaMetrics();
    await own.start();
    await boxes.removeAll();
    const container = await control.createContainer({
      Image: 'local/busybox',
      name: BOX,
      Cmd: ['sh', '-c', 'while :; do :; done'],
      Labels: { [TEST_LABEL]: SUITE },
      StopTimeout: 0,
    });
    await container.start();
  }, 60_000);
  afterAll(async () => {
    await boxes.removeAll();
    await own.remove();
  });

  it('stores the same series with the same values through both, and stale markers after docker rm -f', async () => {
    const daemon = spawnDaemon({
      INCLUDE_NAMES: BOX,
      INFLUX_URL: VM_URL,
      INFLUX_ORG: 'dss',
      INFLUX_BUCKET: SUITE,
      REMOTE_WRITE_URL: `${own.url}/api/v1/write`,
      REMOTE_WRITE_HEADERS: 'X-Test=1',
      FLUSH_INTERVAL_MS: '500',
      SAMPLE_INTERVAL_MS: '500',
      METRICS_PORT: '0',
      HOST_TAG: HOST,
    });
    const selector = `{host="${HOST}"}`;
    let exitedAt = 0;
    try {
      const wanted = ['cpu_usage_percent', 'memory_usage_bytes', 'container_running'];
      const both = async (): Promise<boolean> => {
        const [lp, rw] = [ofBox(await exportSeries(selector)), ofBox(await own.export(selector))];
        return [lp, rw].every((series) => wanted.every((m) => series.some((s) => s.metric.__name__ === m)));
      };
      expect(await eventually(both, 30_000), daemon.stderr).toBe(true);
      await new Promise((r) => setTimeout(r, 2000)); // a few samples more
      exitedAt = Date.now();
      await control.getContainer(BOX).remove({ force: true });
      // the exit's `container` point, and after it the stale markers, reach both
      const exited = async (): Promise<boolean> =>
        ofBox(await own.export(`container_running${selector}`)).some((s) => s.values.includes(0)) &&
        ofBox(await exportSeries(`container_running${selector}`)).some((s) => s.values.at(-1) === 0);
      if (!(await eventually(exited, 20_000))) {
        // Shows what each route stored, for a failure under load that does not reproduce at will.
        const stored = async (): Promise<string> =>
          JSON.stringify({
            remoteWrite: ofBox(await own.export(`container_running${selector}`)),
            lineProtocol: ofBox(await exportSeries(`container_running${selector}`)),
            exitedAt,
          });
        expect.fail(`no exit in both routes: ${await stored()}\n${daemon.stderr}`);
      }
    } finally {
      daemon.process.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
    }
    const logs = logLines(daemon);
    expect(logs.filter((l) => l.msg === 'the database rejected points')).toEqual([]);

    // A series new at the exit (container_exit_code, _finished_at, _oom_killed) may be missing from
    // an export for seconds after its samples are (seen under load on the shared VictoriaMetrics,
    // written by every suite): both routes' series are read again until they name the same ones.
    let lp = new Map<string, ExportedSeries>();
    let rw = new Map<string, ExportedSeries>();
    const sameSeries = async (): Promise<boolean> => {
      [lp, rw] = [byKey(ofBox(await exportSeries(selector))), byKey(ofBox(await own.export(selector)))];
      return (
        [...rw.keys()].every((k) => lp.has(k)) &&
        [...lp.keys()].every((k) => rw.has(k) || k.includes('"container_state"'))
      );
    };
    await eventually(sameSeries, 20_000);
    expect(rw.size).toBeGreaterThan(10);
    // every remote-write series is a line-protocol series: the same name and labels (but `db`)
    expect([...rw.keys()].filter((k) => !lp.has(k))).toEqual([]);
    // every line-protocol series is in remote write, but the string field `container_state`
    // (VictoriaMetrics stores a series for it; remote write sends no strings)
    expect([...lp.keys()].filter((k) => !rw.has(k) && !k.includes('"container_state"'))).toEqual([]);
    // exactly one stale marker per series, 1 ms after the exit (the exit told twice is dropped)
    const rwRunning = ofBox(await own.export(`container_running${selector}`))[0]!;
    expect(rwRunning.values.slice(-2)).toEqual([0, null]);
    expect(rwRunning.timestamps.at(-1)! - rwRunning.timestamps.at(-2)!).toBe(1);
    for (const [k, series] of rw) {
      const other = lp.get(k)!;
      // remote write also holds the stale markers, 1 ms after the exit: the values before them are the same
      const live = series.timestamps
        .map((t, i) => [t, series.values[i]] as const)
        .filter(([, v]) => v !== null && !Number.isNaN(v));
      const lpValues = new Map(other.timestamps.map((t, i) => [t, other.values[i]]));
      for (const [t, v] of live) expect(lpValues.get(t), `${k} at ${t}`).toBe(v);
      expect(live.length, k).toBe(other.timestamps.length);
    }
    // every series ends in its stale marker (VictoriaMetrics exports it as null): nothing after it
    for (const [k, series] of rw) expect(series.values.at(-1), k).toBeNull();
    // the stale markers: the last sample of every series is the exit + 1 ms, after the exit
    const last = [...rw.values()].map((s) => s.timestamps.at(-1)!);
    expect(Math.min(...last)).toBeGreaterThanOrEqual(exitedAt - 1000);
  }, 90_000);

  it('a remote-write server that never answers: line protocol goes on, each sink counted apart, and SIGTERM ends within SHUTDOWN_TIMEOUT', async () => {
    // a container to watch again (the first test removed it)
    const container = await control.createContainer({
      Image: 'local/busybox',
      name: BOX,
      Cmd: ['sleep', '600'],
      Labels: { [TEST_LABEL]: SUITE },
      StopTimeout: 0,
    });
    await container.start();
    // takes each request, keeps its headers, never answers
    const heard: IncomingHttpHeaders[] = [];
    const silent: Server = createServer((req) => void heard.push(req.headers)).listen(0, '127.0.0.1');
    const secrets = mkdtempSync(join(tmpdir(), 'dss-rw-'));
    writeFileSync(join(secrets, 'token'), 's3cret-bearer\n');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    const metricsPort = await freePort();
    const daemon = spawnDaemon({
      INCLUDE_NAMES: BOX,
      INFLUX_URL: VM_URL,
      INFLUX_ORG: 'dss',
      INFLUX_BUCKET: SUITE,
      REMOTE_WRITE_URL: `http://127.0.0.1:${port}/api/v1/write`,
      REMOTE_WRITE_BEARER_TOKEN_FILE: join(secrets, 'token'),
      REMOTE_WRITE_HEADERS: 'X-Scope-OrgID=team1',
      FLUSH_INTERVAL_MS: '500',
      SAMPLE_INTERVAL_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '2000',
      METRICS_PORT: String(metricsPort),
    });
    try {
      const influxWritten = async (): Promise<boolean> =>
        (await scrapeMetric(metricsPort, 'dss_points_written_total{sink="influxdb"}')) > 0;
      expect(await eventually(influxWritten, 30_000), daemon.stderr).toBe(true);
      expect(await scrapeMetric(metricsPort, 'dss_points_written_total{sink="remote_write"}')).toBe(0);
      // the token from its file, the extra header, the protocol's own
      expect(await eventually(() => heard.length > 0, 10_000)).toBe(true);
      expect(heard[0]).toMatchObject({
        authorization: 'Bearer s3cret-bearer',
        'x-scope-orgid': 'team1',
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
      });
      const started = Date.now();
      daemon.process.kill('SIGTERM');
      const timer = setTimeout(() => daemon.process.kill('SIGKILL'), 15_000);
      expect(await daemon.exited).toBe(0);
      clearTimeout(timer);
      expect(Date.now() - started).toBeLessThan(2000 + 3000);
      expect(logLines(daemon).some((l) => l.msg === 'shutdown timeout: exiting with points not delivered')).toBe(true);
      expect(daemon.stderr).not.toContain('s3cret');
    } finally {
      daemon.process.kill('SIGKILL');
      silent.closeAllConnections();
      silent.close();
      rmSync(secrets, { recursive: true, force: true });
    }
  }, 60_000);
});
