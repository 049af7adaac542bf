import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { logDelivery } from '../../src/deliver/logDelivery.js';
import type { DeliveryEvent } from '../../src/model/telemetry.js';
import { captureLogger } from '../support/captureLogger.js';

const failed = (refused: boolean): DeliveryEvent => ({ type: 'batch-failed', points: 1, reason: 'HTTP 5xx', refused });
const written: DeliveryEvent = { type: 'batch-written', points: 1, latencyMs: 1, at: 1 };
const dropped: DeliveryEvent = { type: 'points-dropped', points: 4, reason: 'buffer_full' };
const level = (bytes: number): DeliveryEvent => ({ type: 'buffer-level', points: 1, bytes, inFlight: 0 });

describe('logDelivery', () => {
  it('logs the first failure of an outage and the recovery, and one overflow per episode, passing every event on', async () => {
    const log = captureLogger();
    const events = [
      failed(false),
      failed(false),
      written,
      failed(true),
      dropped,
      level(100),
      dropped,
      level(99),
      dropped,
      written,
    ];
    const out = await lastValueFrom(from(events).pipe(logDelivery(log, 'http://db (org o, bucket b)', 100), toArray()));
    expect(out).toEqual(events);
    expect(log.entries.map((e) => `${e.level} ${e.msg}`)).toEqual([
      'error writing to the database failed after retries; points are kept and retried at each flush',
      'info writes to the database succeed again',
      'error writing to the database failed (check the URL, the bucket or database, and the token or password); points are kept and retried at each flush',
      'warn buffer full: dropping the oldest points (counted in points_dropped)',
      'warn buffer full: dropping the oldest points (counted in points_dropped)',
      'info writes to the database succeed again',
    ]);
  });
});
