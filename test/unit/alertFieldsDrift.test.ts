import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ALERT_FIELDS, TEXT_FIELDS } from '../../src/config/alertFields.js';
import { containerPoint } from '../../src/transform/containerPoint.js';
import { toPoints } from '../../src/transform/toPoints.js';
import { handBuilt, sampled } from '../support/handBuilt.js';

// The list of fields a rule may name is kept by hand: this catches a field the transform gains
// (swap_bytes, cfs_quota_us, ...) that rules would refuse as unknown.
const limits = { cpus: 0.5, cpusetCpus: 1, cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, memoryBytes: 2 ** 26 };

describe('ALERT_FIELDS', () => {
  it('holds every field the transform writes, in every measurement', async () => {
    const written = new Map<string, Set<string>>();
    const note = (measurement: string, fields: Record<string, unknown>): void => {
      const names = written.get(measurement) ?? new Set<string>();
      for (const name of Object.keys(fields)) names.add(name);
      written.set(measurement, names);
    };
    for (const name of ['stats-cgroupv1.json', 'stats-cgroupv2.json'] as const) {
      const first = handBuilt(name);
      const second = { ...first, read: new Date(Date.parse(first.read as string) + 1000).toISOString() };
      const points = await lastValueFrom(
        from([sampled(first), sampled(second)]).pipe(toPoints({ limitsOf: () => limits, counters: true }), toArray()),
      );
      for (const point of points) note(point.measurement, point.fields);
    }
    const status = {
      container: { id: 'a', name: 'web', image: 'i', labels: {} },
      state: 'exited',
      restartCount: 1,
      limits: {},
      startedAt: { seconds: 1, nanos: 0 },
      finishedAt: { seconds: 2, nanos: 0 },
      exitCode: 1,
      oomKilled: false,
      health: { status: 'unhealthy', failingStreak: 3 },
    };
    note('container', containerPoint({ status, at: { seconds: 3, nanos: 0 } }, {}).fields);
    note(
      'container',
      containerPoint({ status: { ...status, state: 'running' }, at: { seconds: 3, nanos: 0 } }, {}).fields,
    );
    expect([...written.keys()].sort()).toEqual(['blockio', 'container', 'cpu', 'memory', 'network']);
    for (const [measurement, names] of written) {
      const allowed = new Set([...(ALERT_FIELDS[measurement] ?? []), ...(TEXT_FIELDS[measurement] ?? [])]);
      expect(
        [...names].filter((n) => !allowed.has(n)),
        measurement,
      ).toEqual([]);
    }
  });
});
