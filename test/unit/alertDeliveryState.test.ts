import { describe, expect, it } from 'vitest';
import type { AlertDeliveryEvent } from '../../src/model/alertDelivery.js';
import { type AlertDeliveryCounters, foldAlertDelivery } from '../../src/telemetry/alertDeliveryState.js';

describe('foldAlertDelivery: alert delivery counters by receiver', () => {
  it('counts sent, retried and dropped by reason; failing until the next success', () => {
    const events: AlertDeliveryEvent[] = [
      { type: 'alerts-retried', receiver: 'webhook', notices: 3, attempt: 1, delayMs: 500, reason: 'HTTP 503' },
      { type: 'alerts-dropped', receiver: 'webhook', notices: 2, reason: 'queue_full' },
      { type: 'alerts-sent', receiver: 'alertmanager', notices: 1, latencyMs: 4, at: 7 },
    ];
    let state: ReadonlyMap<string, AlertDeliveryCounters> = new Map();
    state = foldAlertDelivery(state, events[0]!);
    expect(state.get('webhook')?.failing).toBe('HTTP 503');
    for (const event of events.slice(1)) state = foldAlertDelivery(state, event);
    expect(state.get('webhook')).toMatchObject({ retried: 3, dropped: 2, sent: 0, failing: 'HTTP 503' });
    expect(state.get('webhook')?.droppedBy).toEqual({ queue_full: 2, rejected: 0, retries_exhausted: 0 });
    expect(state.get('alertmanager')).toMatchObject({ sent: 1, lastSentAt: 7, failing: undefined });
    const after = foldAlertDelivery(state, { ...events[2]!, receiver: 'webhook' } as AlertDeliveryEvent);
    expect(after.get('webhook')?.failing).toBeUndefined();
  });
});
