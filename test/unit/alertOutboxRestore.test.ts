import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { EMPTY_ALERT_STATE } from '../../src/alert/alertState.js';
import { openAlerting } from '../../src/app/alerting.js';
import { ALERT_STATE_FILE } from '../../src/app/alertStateFile.js';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import { type Logger, silentLogger } from '../../src/model/logger.js';
import { noTelemetry } from '../../src/model/telemetry.js';
import { statusInput } from '../../src/alert/alertInput.js';
import type { Point } from '../../src/model/point.js';
import { firing } from '../support/alertNotices.js';

/** A saved outbox read back at start, as a hostile or oversized file has it. */
describe('the saved outbox at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wt-review3-outbox-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says how many of its notices the queue bound (1000) left out: none goes silently', () => {
    const outbox = { webhook: Array.from({ length: 1200 }, (_, i) => firing(`c${i}`)) };
    writeFileSync(join(dir, ALERT_STATE_FILE), JSON.stringify({ ...EMPTY_ALERT_STATE, outbox }));
    const warned: { obj: object; msg?: string }[] = [];
    const log: Logger = {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
      warn: (obj, msg) => void warned.push({ obj, ...(msg !== undefined && { msg }) }),
    };
    // a port nothing listens on: the POSTs fail, nothing is taken
    const config = resolveConfig({ env: { SPOOL_DIR: dir, ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hook' } });
    const alerting = openAlerting(config, { log, scheduler: new VirtualTimeScheduler(), telemetry: noTelemetry });
    alerting?.close();
    expect(warned).toContainEqual(
      expect.objectContaining({ obj: expect.objectContaining({ receiver: 'webhook', dropped: 200 }) }),
    );
  });

  it('keeps in the file only the labels its receivers read: hundreds of labels made MBs per write', () => {
    const labels = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`org.example.label-${i}`, 'x'.repeat(80)]),
    );
    const heavy = firing('heavy', { container: { ...firing('heavy').container, labels: { ...labels, tier: 'web' } } });
    writeFileSync(join(dir, ALERT_STATE_FILE), JSON.stringify({ ...EMPTY_ALERT_STATE, outbox: { webhook: [heavy] } }));
    const config = resolveConfig({
      env: { SPOOL_DIR: dir, ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hook', TAG_LABELS: 'tier' },
    });
    const scheduler = new VirtualTimeScheduler();
    // a minute of virtual time: the batch window, the write (its repeats are hours away)
    scheduler.maxFrames = 60_000;
    const alerting = openAlerting(config, { log: silentLogger, scheduler, telemetry: noTelemetry })!;
    const points = new Subject<Point>();
    const wired = points.pipe(alerting.wire).subscribe();
    // a change of the state: the file is written, the outbox with it
    const crashed = { ...heavy.container, id: 'c'.repeat(64), name: 'crashed' };
    alerting.inputs.next(
      statusInput({
        status: { container: crashed, state: 'exited', exitCode: 3, restartCount: 0, limits: {} },
        at: { seconds: 1, nanos: 0 },
      }),
    );
    scheduler.flush();
    wired.unsubscribe();
    alerting.close();
    const text = readFileSync(join(dir, ALERT_STATE_FILE), 'utf8');
    const saved = JSON.parse(text) as { outbox: { webhook: { container: { labels: Record<string, string> } }[] } };
    expect(saved.outbox.webhook.map((n) => n.container.labels)).toEqual([{ tier: 'web' }, { tier: 'web' }]);
  });
});
