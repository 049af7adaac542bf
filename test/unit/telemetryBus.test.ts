import { describe, expect, it } from 'vitest';
import { telemetryBus } from '../../src/app/telemetryBus.js';
import type { TelemetryState } from '../../src/telemetry/telemetryState.js';

describe('telemetryBus', () => {
  it('state$ emits a new object at each event, the same fold to every reader, earlier states unchanged', () => {
    const bus = telemetryBus();
    const first: TelemetryState[] = [];
    const second: TelemetryState[] = [];
    bus.state$.subscribe((s) => first.push(s));
    bus.next({ type: 'record-transformed', points: 3 });
    bus.state$.subscribe((s) => second.push(s));
    bus.next({ type: 'record-transformed', points: 4 });
    bus.close();
    expect(first.map((s) => s.pointsCollected)).toEqual([0, 3, 7]);
    expect(new Set(first).size).toBe(3);
    expect(second).toEqual([first[1], first[2]]);
    expect(second[0]).toBe(first[1]); // one fold, read by both: no event counted twice
    expect(bus.state()).toBe(first[2]);
  });
});
