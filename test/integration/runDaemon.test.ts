import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject, lastValueFrom, throwError } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import { ForcedStopError, runDaemon } from '../../src/daemon/runDaemon.js';
import type { PointSink } from '../../src/deliver/pointSink.js';
import { SpoolLockedError, lockSpool } from '../../src/deliver/spool/spoolLock.js';
import { captureLogger } from '../support/captureLogger.js';
import { eventually } from '../support/realEngine.js';

// No engine and no database: what the run holds is a file sink, a spool and its lock.
const dir = mkdtempSync(join(tmpdir(), 'dss-run-daemon-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const setUp = (name: string) => {
  const out = join(dir, `${name}.lp`);
  const spool = join(dir, `${name}-spool`);
  const env = {
    OUTPUT: `file:${out}`,
    SPOOL_DIR: spool,
    METRICS_PORT: '0',
    DOCKER_HOST: `unix://${join(dir, 'none.sock')}`,
  };
  return { out, spool, config: resolveConfig({ env }), log: captureLogger() };
};
const started = (log: ReturnType<typeof captureLogger>) => () =>
  log.entries.some((e) => e.msg === 'docker-stats-service started');

describe('runDaemon: what it holds is taken on subscription and let go of when it ends', () => {
  it('opens nothing when called; takes the sink, the spool and its lock when subscribed; lets go on unsubscribe', async () => {
    const { out, spool, config, log } = setUp('unsubscribed');
    const run$ = runDaemon(config, { log });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(spool)).toBe(false);
    const subscription = run$.subscribe();
    expect(await eventually(started(log))).toBe(true);
    expect(existsSync(out)).toBe(true);
    await expect(lockSpool(spool)).rejects.toBeInstanceOf(SpoolLockedError);
    subscription.unsubscribe();
    const again = await lockSpool(spool);
    again.release();
  });

  it('a stop ends it with the stop summary and lets go of the lock; a second stop fails it with ForcedStopError', async () => {
    const first = setUp('stopped');
    const stop$ = new Subject<string>();
    const stopped = lastValueFrom(runDaemon(first.config, { log: first.log, stop$ }), { defaultValue: undefined });
    expect(await eventually(started(first.log))).toBe(true);
    stop$.next('SIGTERM');
    await stopped;
    expect(first.log.entries.map((e) => e.msg)).toContain('stopped; everything collected was delivered');
    (await lockSpool(first.spool)).release();

    // A database that never answers: the flush after the first stop waits on it.
    let requests = 0;
    const silent = createServer(() => void requests++).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const second = setUp('forced');
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const config = {
      ...second.config,
      influxUrl: url,
      internalMetrics: true,
      flushInterval: 100,
      shutdownTimeout: 60_000,
    };
    const signals$ = new Subject<string>();
    const forced = lastValueFrom(runDaemon(config, { log: second.log, stop$: signals$ }));
    expect(await eventually(started(second.log))).toBe(true);
    expect(await eventually(() => requests > 0)).toBe(true); // internal points being written
    signals$.next('SIGTERM');
    signals$.next('SIGINT');
    await expect(forced).rejects.toBeInstanceOf(ForcedStopError);
    silent.close();
    (await lockSpool(second.spool)).release();
  });
});

describe('runDaemon: unsubscribed while it starts', () => {
  // Without SPOOL_DIR the start-up first waits on /metrics; with it, on the spool's lock.
  it.each([
    ['while /metrics opens', false],
    ['while the spool is locked', true],
  ])('%s: it never says it started, holds no flush$ subscriber, and lets go of the lock', async (_name, spooled) => {
    const { spool, config, log } = setUp(`abandoned-${spooled}`);
    const flush$ = new Subject<void>();
    const subscription = runDaemon(spooled ? config : { ...config, spoolDir: undefined }, { log, flush$ }).subscribe();
    subscription.unsubscribe();
    // Long enough for the lock and the port to have been taken had the start-up gone on.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(log.entries.map((e) => e.msg)).not.toContain('docker-stats-service started');
    expect(flush$.observed).toBe(false);
    if (spooled) (await lockSpool(spool)).release();
  });
});

describe('runDaemon: a sink that refuses to open', () => {
  it('fails the run with its error and never says it started', async () => {
    const { config, log } = setUp('refused');
    const refused: PointSink = {
      name: 'refusing',
      description: 'a sink whose spool is refused',
      deliver: () => throwError(() => new Error('spool refused')),
    };
    await expect(lastValueFrom(runDaemon(config, { log, sinks: [refused] }))).rejects.toThrow('spool refused');
    expect(log.entries.map((e) => e.msg)).not.toContain('docker-stats-service started');
    (await lockSpool(join(dir, 'refused-spool'))).release();
  });
});

describe('runDaemon: a stop whose alert notices cannot be delivered', () => {
  it('at the timeout says the points were all delivered and which receiver kept its notices', async () => {
    const { spool, config, log } = setUp('alerts-stuck');
    // A receiver that takes the POST and never answers: the stop waits for it to SHUTDOWN_TIMEOUT.
    const posts: Socket[] = [];
    const silent = createServer((socket) => void posts.push(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    // A firing alert of a rule no longer in force: resolved at start, a notice to deliver.
    mkdirSync(spool, { recursive: true });
    const container = { id: 'c'.repeat(64), name: 'old', image: 'busybox', labels: {} };
    const entry = { rule: 'taken_out', container, phase: 'firing', holds: true, since: 1, severity: 'critical' };
    writeFileSync(join(spool, 'alerts-state.json'), JSON.stringify({ entries: { k: entry }, removed: {} }));
    const stop$ = new Subject<string>();
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const run = { ...config, alertWebhookUrl: url, shutdownTimeout: 1000 };
    const stopped = lastValueFrom(runDaemon(run, { log, stop$ }), { defaultValue: undefined });
    expect(await eventually(() => posts.length > 0)).toBe(true);
    stop$.next('SIGTERM');
    await stopped;
    posts.forEach((socket) => socket.destroy());
    silent.close();
    const msgs = log.entries.map((e) => e.msg);
    expect(msgs).not.toContain('shutdown timeout: exiting with points not delivered');
    expect(msgs).toContain('stopped; everything collected was delivered');
    const timeout = log.entries.find((e) => e.msg === 'shutdown timeout: exiting with alert notices not delivered');
    expect(timeout?.obj).toMatchObject({ receivers: ['webhook'] });
  }, 30_000);
});
