import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { VirtualTimeScheduler } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { EMPTY_ALERT_STATE } from '../../src/alert/alertState.js';
import { ALERT_STATE_FILE, alertStateFile } from '../../src/app/alertStateFile.js';
import type { AlertNotice } from '../../src/model/alert.js';
import { silentLogger } from '../../src/model/logger.js';
import { toLineProtocol } from '../../src/encode/toLineProtocol.js';
import { foldFiring } from '../../src/telemetry/firingAlerts.js';
import { alertPoints } from '../../src/transform/alertPoint.js';
import { containerTagger } from '../../src/transform/containerTags.js';
import { container } from '../support/alertFixtures.js';

const web = container('web-1', { tier: 'front' });
const firing: AlertNotice = {
  rule: 'hot',
  status: 'firing',
  severity: 'warning',
  container: web,
  summary: 'web-1: cpu.limit_percent 93 > 80',
  value: 93.5,
  startsAt: 1_700_000_000_123,
  host: 'h1',
};
const resolved: AlertNotice = { ...firing, status: 'resolved', endsAt: 1_700_000_060_000 };

describe('the alert measurement', () => {
  it('a notice is one `alert` point: rule, severity, host and the container tags; firing, value, started_at', async () => {
    const tagger = containerTagger({ tagLabels: ['tier'] });
    const points = await lastValueFrom(
      from([firing, resolved]).pipe(
        alertPoints(tagger, () => 1_700_000_001_000),
        toArray(),
      ),
    );
    expect(points.map((p) => toLineProtocol(p))).toEqual([
      `alert,tier=front,image=busybox:1.36,container_id=${web.id},container_name=web-1,rule=hot,severity=warning,host=h1 firing=true,started_at=1700000000123i,value=93.5 1700000001000000000`,
      `alert,tier=front,image=busybox:1.36,container_id=${web.id},container_name=web-1,rule=hot,severity=warning,host=h1 firing=false,started_at=1700000000123i,value=93.5 1700000060000000000`,
    ]);
  });
});

describe('the alerts firing', () => {
  it('a firing notice adds its alert, a resolved one removes it', () => {
    const db = container('db-1');
    let state = foldFiring(new Map(), firing);
    state = foldFiring(state, { ...firing, rule: 'exited', container: db });
    expect([...state.values()].map((n) => `${n.rule}:${n.container.name}`)).toEqual(['hot:web-1', 'exited:db-1']);
    state = foldFiring(state, resolved);
    expect([...state.values()].map((n) => `${n.rule}:${n.container.name}`)).toEqual(['exited:db-1']);
  });
});

describe('the alert state beside the spool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dss-alert-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const state = (n: number) => ({ ...EMPTY_ALERT_STATE, removed: { [`c${n}`]: n } });
  const onDisk = () => JSON.parse(readFileSync(join(dir, ALERT_STATE_FILE), 'utf8')) as unknown;

  it('writes soon, then at most once a second (the last state), and at close; reads it back at start', () => {
    const scheduler = new VirtualTimeScheduler();
    const file = alertStateFile(dir, silentLogger, scheduler, 1000);
    expect(file.initial).toBeUndefined();
    file.save(state(1));
    // never at once: a change's notices reach their queues first
    expect(() => onDisk()).toThrow(/ENOENT/);
    scheduler.flush();
    expect(onDisk()).toEqual(state(1));
    file.save(state(2));
    file.save(state(3));
    expect(onDisk()).toEqual(state(1));
    scheduler.flush();
    expect(onDisk()).toEqual(state(3));
    file.save(state(4));
    file.close();
    expect(onDisk()).toEqual(state(4));
    expect(alertStateFile(dir, silentLogger, scheduler).initial).toEqual(state(4));
  });

  it('keeps what the receivers have not taken with the state; a notice that does not read back is left out', () => {
    const scheduler = new VirtualTimeScheduler();
    let waiting: AlertNotice[] = [firing, resolved];
    const file = alertStateFile(dir, silentLogger, scheduler, 1000, () => ({ webhook: waiting, alertmanager: [] }));
    file.save(state(5));
    scheduler.flush();
    expect(onDisk()).toEqual({ ...state(5), outbox: { webhook: [firing, resolved] } });
    const again = alertStateFile(dir, silentLogger, scheduler);
    expect(again.initial).toEqual(state(5));
    expect(again.outbox).toEqual({ webhook: [firing, resolved] });
    // taken: the next write (a delivery touches it) has no outbox
    waiting = [];
    file.touch();
    scheduler.flush();
    expect(onDisk()).toEqual(state(5));
    // one damaged notice: the rest read back, the state too
    writeFileSync(
      join(dir, ALERT_STATE_FILE),
      JSON.stringify({ ...state(6), outbox: { webhook: [{ ...firing, startsAt: 'soon' }, resolved] } }),
    );
    const damaged = alertStateFile(dir, silentLogger, scheduler);
    expect(damaged.initial).toEqual(state(6));
    expect(damaged.outbox).toEqual({ webhook: [resolved] });
  });

  it('what a receiver took leaves the file at the next turn, not a second later', () => {
    const scheduler = new VirtualTimeScheduler();
    let waiting: AlertNotice[] = [firing];
    const file = alertStateFile(dir, silentLogger, scheduler, 1000, () => ({ webhook: waiting }));
    file.save(state(7));
    scheduler.flush();
    expect(onDisk()).toEqual({ ...state(7), outbox: { webhook: [firing] } });
    // taken 100 ms after that write: on disk by 100 ms, where the throttle would have said 1000
    scheduler.schedule(() => {
      waiting = [];
      file.touch(true);
    }, 100);
    scheduler.maxFrames = scheduler.now() + 100;
    scheduler.flush();
    expect(onDisk()).toEqual(state(7));
  });

  it('a write that failed (full disk, read-only) is tried again at close, with nothing changed since', () => {
    const scheduler = new VirtualTimeScheduler();
    const file = alertStateFile(dir, silentLogger, scheduler, 1000);
    file.save(state(8));
    scheduler.flush();
    // the next write cannot be made: its temporary file's name is taken by a directory
    mkdirSync(join(dir, `${ALERT_STATE_FILE}.tmp`));
    file.save(state(9));
    scheduler.flush();
    expect(onDisk()).toEqual(state(8));
    // room again; the daemon stops with no change since: the last state must not be lost
    rmSync(join(dir, `${ALERT_STATE_FILE}.tmp`), { recursive: true });
    file.close();
    expect(onDisk()).toEqual(state(9));
  });

  it('a saved time no date can hold does not read back: it would stop its receiver for good', () => {
    // new Date(1e20).toISOString() throws a RangeError as the POST is made; a failure with no
    // status is retried for ever, and the queue's head (this batch) never goes: nothing after it does
    writeFileSync(
      join(dir, ALERT_STATE_FILE),
      JSON.stringify({ ...state(10), outbox: { alertmanager: [{ ...firing, startsAt: 1e20 }, resolved] } }),
    );
    expect(alertStateFile(dir, silentLogger, new VirtualTimeScheduler()).outbox).toEqual({ alertmanager: [resolved] });
    // the same from a restored entry: its firing alert is posted to Alertmanager at the start
    const entry = { rule: 'hot', container: web, phase: 'firing', holds: true, since: 1e20 };
    writeFileSync(join(dir, ALERT_STATE_FILE), JSON.stringify({ ...state(11), entries: { 'hot/x': entry } }));
    expect(alertStateFile(dir, silentLogger, new VirtualTimeScheduler()).initial).toBeUndefined();
  });

  it('a state that does not read back is left: the evaluator starts afresh', () => {
    writeFileSync(join(dir, ALERT_STATE_FILE), '{"entries": 3');
    expect(alertStateFile(dir, silentLogger, new VirtualTimeScheduler()).initial).toBeUndefined();
  });
});
