/** The delivery totals of a run, as the last log line gives them. */
export interface StopTotals {
  readonly collected: number;
  readonly written: number;
  readonly dropped: number;
  readonly rejected: number;
}

/** The daemon's last log line after a flush that finished: its level, fields and message. */
export interface StopSummary {
  readonly level: 'info' | 'warn' | 'error';
  readonly fields: Record<string, number>;
  readonly msg: string;
}

const points = (n: number): string => `${n} point${n === 1 ? '' : 's'}`;

/**
 * What became of the points when the flush is over, said as it is: "everything collected was
 * delivered" only when nothing was rejected, dropped or left; else how many were delivered and
 * what happened to the others. Points left wait in the spool for the next start (a warning), or
 * are lost with the process (an error, as are rejected and dropped points, and `refused`: points
 * a spool held in memory because its disk refused them up to the end).
 */
export function stopSummary(totals: StopTotals, left: number, spool: boolean, refused = 0): StopSummary {
  if (totals.rejected === 0 && totals.dropped === 0 && left === 0 && refused === 0)
    return { level: 'info', fields: { ...totals }, msg: 'stopped; everything collected was delivered' };
  const lost: string[] = [];
  if (totals.rejected > 0) lost.push(`${totals.rejected} rejected by the database`);
  if (totals.dropped > 0) lost.push(`${totals.dropped} dropped (points_dropped)`);
  if (left > 0 && !spool) lost.push(`${left} not delivered, lost`);
  if (refused > 0) lost.push(`${refused} refused by the spool's disk to the end, lost`);
  const kept = left > 0 && spool ? [`${left} kept in the spool for the next start`] : [];
  return {
    level: lost.length > 0 ? 'error' : 'warn',
    fields: {
      ...totals,
      ...(left > 0 ? { [spool ? 'spooled' : 'undelivered']: left } : {}),
      ...(refused > 0 ? { lost: refused } : {}),
    },
    msg: `stopped; ${points(totals.written)} delivered, ${[...lost, ...kept].join(', ')}`,
  };
}
