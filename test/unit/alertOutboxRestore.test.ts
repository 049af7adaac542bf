import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualTimeScheduler } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { EMPTY_ALERT_STATE } from '../../src/alert/alertState.js';
import { openAlerting } from '../../src/app/alerting.js';
import { ALERT_STATE_FILE } from '../../src/app/alertStateFile.js';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import type { Logger } from '../../src/model/logger.js';
import { noTelemetry } from '../../src/model/telemetry.js';
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
});
