import { describe, expect, it } from 'vitest';
import { stopSummary } from '../../src/daemon/stopSummary.js';

describe('the last log line (stopSummary)', () => {
  const totals = { collected: 100, written: 60, dropped: 0, rejected: 0 };

  it('points a spool held in memory because its disk refused them are lost, not kept in the spool', () => {
    const summary = stopSummary(totals, 30, true, 10);
    expect(summary.level).toBe('error');
    expect(summary.fields).toMatchObject({ spooled: 30, lost: 10 });
    expect(summary.msg).toBe(
      "stopped; 60 points delivered, 10 refused by the spool's disk to the end, lost, 30 kept in the spool for the next start",
    );
  });

  it('without them, what is left in the spool is a warning', () => {
    expect(stopSummary(totals, 40, true)).toMatchObject({ level: 'warn', fields: { spooled: 40 } });
  });
});
