import { once } from 'node:events';
import { type Server, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type RunningDaemon, logLines, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { INFLUX1_PASSWORD, INFLUX1_URL, INFLUX1_USER, influxQuery, influxWrite } from '../support/influx1.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { realBed } from '../support/realBed.js';
import { eventually } from '../support/realEngine.js';

// Every way the built CLI ends, with the code and message the README's "Exit codes" gives.
const { boxes, vm } = realBed('exit', { one: ['sleep', '600'] });
const scrape = scrapeMetric;

/** Waits for the exit, failing the test (and killing the process) if it does not come within `ms`. */
async function exitWithin(daemon: RunningDaemon, ms: number): Promise<number | null> {
  const timer = setTimeout(() => daemon.process.kill('SIGKILL'), ms);
  const code = await daemon.exited;
  clearTimeout(timer);
  expect(daemon.process.signalCode, `killed after ${ms} ms: it did not exit by itself`).toBeNull();
  return code;
}

async function stored(host: string): Promise<number> {
  const series = await vm.export(`memory_usage_bytes{host="${host}"}`);
  const more = await vm.export(`network_rx_bytes{host="${host}"}`);
  const cpu = await vm.export(`cpu_usage_percent{host="${host}"}`);
  return [...series, ...more, ...cpu].reduce((n, s) => n + s.values.length, 0);
}

/**
 * The daemon on a database that takes the connection and never answers (its writes hang), with
 * /metrics on `metricsPort`.
 */
async function onSilentDatabase(
  env: Record<string, string>,
): Promise<{ daemon: RunningDaemon; metricsPort: number; silent: Server }> {
  const silent: Server = createServer(() => undefined).listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const { port } = silent.address() as { port: number };
  const metricsPort = await freePort();
  const daemon = spawnDaemon({
    INFLUX_URL: `http://127.0.0.1:${port}`,
    INCLUDE_NAMES: `${boxes.prefix}*`,
    METRICS_PORT: String(metricsPort),
    ...env,
  });
  return { daemon, metricsPort, silent };
}

describe('the built CLI: exit codes and messages', () => {
  it('SIGTERM with stderr a pipe nobody reads: flushes every point collected and exits 0', async () => {
    const host = `stderr-closed-${process.pid}-${Date.now()}`;
    const port = await freePort();
    const daemon = spawnDaemon({
      MEASUREMENTS: 'cpu,memory,network', // what `stored` counts back
      INFLUX_URL: vm.url,
      INFLUX_ORG: 'dss',
      INFLUX_BUCKET: 'exit',
      HOST_TAG: host,
      INCLUDE_NAMES: `${boxes.prefix}*`,
      FLUSH_INTERVAL_MS: '600000',
      METRICS_PORT: String(port),
    });
    daemon.process.stderr!.destroy(); // whoever read the daemon's logs went away
    expect(await eventually(async () => (await scrape(port, 'dss_points_collected_total')) >= 9, 30_000)).toBe(true);
    const collectedBefore = await scrape(port, 'dss_points_collected_total');
    expect(await stored(host)).toBe(0); // a 10 min flush interval: nothing written yet
    daemon.process.kill('SIGTERM');
    expect(await exitWithin(daemon, 15_000)).toBe(0);
    let delivered = 0;
    expect(await eventually(async () => (delivered = await stored(host)) >= collectedBefore, 20_000)).toBe(true);
    expect(delivered).toBeGreaterThanOrEqual(collectedBefore);
  }, 60_000);

  it('a second signal exits at once with 1, whatever is still being flushed', async () => {
    // the first signal's flush hangs
    const { daemon, metricsPort, silent } = await onSilentDatabase({ SHUTDOWN_TIMEOUT_MS: '120000' });
    try {
      expect(await eventually(async () => (await scrape(metricsPort, 'dss_points_collected_total')) > 0, 30_000)).toBe(
        true,
      );
      daemon.process.kill('SIGTERM');
      expect(await eventually(() => logLines(daemon).some((l) => l.signal === 'SIGTERM'))).toBe(true);
      daemon.process.kill('SIGTERM');
      expect(await exitWithin(daemon, 10_000)).toBe(1);
      expect(logLines(daemon).at(-1)?.msg).toBe('second signal: exiting at once');
    } finally {
      silent.close();
    }
  });

  it('the shutdown timeout logs every point not delivered: buffered and in flight', async () => {
    // the first batch stays in flight
    const { daemon, metricsPort, silent } = await onSilentDatabase({
      FLUSH_INTERVAL_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '1000',
    });
    try {
      const flushed = async () => (await scrape(metricsPort, 'dss_flushes_total{reason="time"}')) >= 1;
      expect(await eventually(flushed, 30_000)).toBe(true); // a batch was taken from the buffer
      const collectedBefore = await scrape(metricsPort, 'dss_points_collected_total');
      daemon.process.kill('SIGTERM');
      expect(await exitWithin(daemon, 15_000)).toBe(0);
      const line = logLines(daemon).find((l) => l.msg === 'shutdown timeout: exiting with points not delivered')!;
      expect(line).toBeDefined();
      expect(line.points).toBeGreaterThanOrEqual(collectedBefore);
      expect(line.inFlight).toBeGreaterThan(0);
      expect(line.points).toBe(Number(line.buffered) + Number(line.inFlight));
      const settled = Number(line.written) + Number(line.rejected) + Number(line.dropped);
      expect(line.points).toBe(Number(line.collected) - settled);
    } finally {
      daemon.process.kill('SIGKILL');
      silent.close();
    }
  }, 60_000);

  it('a database that rejects every point: the last line says so, never "everything was delivered"', async () => {
    // `running` first written as a string: InfluxDB 1.6 answers 400 (field type conflict) to
    // every `container` point of the daemon's batches, which are then rejected, not kept.
    const db = `dss_test_exit_rejects_${process.pid}`;
    await influxQuery(`CREATE DATABASE ${db}`);
    const seeded = await influxWrite(db, `container,host=elsewhere running="not a boolean" ${Date.now()}000000`);
    expect(seeded.status).toBe(204);
    const port = await freePort();
    const daemon = spawnDaemon({
      INCLUDE_NAMES: `${boxes.prefix}*`,
      INFLUX_URL: INFLUX1_URL,
      INFLUX_DB: db,
      INFLUX_USERNAME: INFLUX1_USER,
      INFLUX_PASSWORD: INFLUX1_PASSWORD,
      MEASUREMENTS: 'container',
      FLUSH_INTERVAL_MS: '300',
      METRICS_PORT: String(port),
    });
    try {
      const rejected = async () => (await scrape(port, 'dss_points_rejected_total')) > 0;
      expect(await eventually(rejected, 30_000), daemon.stderr).toBe(true);
      daemon.process.kill('SIGTERM');
      expect(await exitWithin(daemon, 15_000)).toBe(0);
    } finally {
      daemon.process.kill('SIGKILL');
      await influxQuery(`DROP DATABASE ${db}`);
    }
    const last = logLines(daemon).at(-1)!;
    expect(last.written).toBe(0);
    expect(Number(last.rejected)).toBeGreaterThan(0);
    expect(last.msg).not.toContain('everything collected was delivered');
    expect(last.msg).toBe(`stopped; 0 points delivered, ${String(last.rejected)} rejected by the database`);
    expect(last.level).toBe(50); // error
  }, 60_000);

  it('a /metrics port already in use: exits 2 naming the port and METRICS_PORT', async () => {
    const taken: Server = createServer().listen(0);
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const daemon = spawnDaemon({ METRICS_PORT: String(port), INCLUDE_NAMES: `${boxes.prefix}*` });
      expect(await exitWithin(daemon, 10_000)).toBe(2);
      expect(daemon.stderr).toContain(`cannot serve /metrics and the probes: port ${port} is in use`);
      expect(daemon.stderr).toContain('METRICS_PORT');
      expect(daemon.stdout.filter((l) => l !== '')).toEqual([]);
    } finally {
      taken.close();
    }
  });

  it('stdout closed by its reader (`| head`): exits 0, with at most one line on stderr', async () => {
    const daemon = spawnDaemon({ INCLUDE_NAMES: `${boxes.prefix}*`, METRICS_PORT: '0', LOG_LEVEL: 'warn' });
    expect(await eventually(() => daemon.stdout.length > 0, 15_000)).toBe(true);
    daemon.process.stdout!.destroy();
    expect(await exitWithin(daemon, 10_000)).toBe(0);
    expect(daemon.stderr.split('\n').filter((l) => l !== '').length).toBeLessThanOrEqual(1);
  });

  it('SIGINT flushes and exits 0 like SIGTERM; --help exits 0', async () => {
    const daemon = spawnDaemon({ INCLUDE_NAMES: `${boxes.prefix}*`, METRICS_PORT: '0' });
    expect(await eventually(() => logLines(daemon).some((l) => l.msg === 'docker-stats-service started'), 15_000)).toBe(
      true,
    );
    daemon.process.kill('SIGINT');
    expect(await exitWithin(daemon, 15_000)).toBe(0);
    expect(logLines(daemon).some((l) => l.signal === 'SIGINT')).toBe(true);
    const help = spawnDaemon({}, ['--help']);
    expect(await exitWithin(help, 10_000)).toBe(0);
    expect(help.stdout.join('\n')).toContain('--metrics-port');
  });

  it('configuration errors exit 2 naming what was wrong: a bad value, an unknown flag, an unreadable token file', async () => {
    const bad = spawnDaemon({ MAX_RETRIES: 'many' });
    expect(await exitWithin(bad, 10_000)).toBe(2);
    expect(bad.stderr).toContain(
      'invalid config: MAX_RETRIES="many" (environment): expected a whole number from 0 to 5',
    );
    const flag = spawnDaemon({}, ['--buffer-policy', 'shrug']);
    expect(await exitWithin(flag, 10_000)).toBe(2);
    expect(flag.stderr).toContain('--buffer-policy "shrug": expected one of drop-oldest, block');
    const unknown = spawnDaemon({}, ['--no-such-flag']);
    expect(await exitWithin(unknown, 10_000)).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--no-such-flag'");
    const token = spawnDaemon({ INFLUX_URL: 'http://127.0.0.1:1', INFLUX_TOKEN_FILE: '/nonexistent/token' });
    expect(await exitWithin(token, 10_000)).toBe(2);
    expect(token.stderr).toContain('INFLUX_TOKEN_FILE="/nonexistent/token": cannot read it (ENOENT)');
  });

  it('an OUTPUT file that cannot be opened: exits 2 naming it, no unhandled stream error', async () => {
    const daemon = spawnDaemon({
      OUTPUT: 'file:/nonexistent/dss/out.lp',
      INCLUDE_NAMES: `${boxes.prefix}*`,
      METRICS_PORT: '0',
    });
    expect(await exitWithin(daemon, 10_000)).toBe(2);
    expect(daemon.stderr).toContain('invalid config: OUTPUT="file:/nonexistent/dss/out.lp": cannot open it (ENOENT)');
    expect(daemon.stderr).not.toContain("Unhandled 'error' event");
  });
});
