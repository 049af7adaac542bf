import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { staleMarkers } from '../../src/encode/staleMarkers.js';
import { type Point, int } from '../../src/model/point.js';
import { STALE } from '../../src/model/sampleLine.js';
import { fieldChooser } from '../../src/transform/selectFields.js';

// The markers are told by the `container` point's `state` field, a string that remote write
// itself leaves out: FIELDS_EXCLUDE=container.state (or FIELDS naming other fields only) ends
// the markers with no word, as MEASUREMENTS without `container` does (README, "Stale markers").

const T0 = 1_700_000_000_000;
const tags = { container_id: 'abc', container_name: 'web' };
const status = (ms: number, state: string): Point => ({
  measurement: 'container',
  tags,
  fields: { state, running: state === 'running', exit_code: int(0) },
  timestamp: `${ms}000000`,
});
const cpu = (ms: number): Point => ({
  measurement: 'cpu',
  tags,
  fields: { usage_percent: 1 },
  timestamp: `${ms}000000`,
});

const markersWith = async (fieldsExclude: string[]): Promise<number> => {
  const choose = fieldChooser({ fieldsExclude })!;
  const points = [status(T0, 'running'), cpu(T0 + 1), status(T0 + 2, 'exited')].flatMap((p) => choose(p) ?? []);
  const out = await lastValueFrom(from(points).pipe(staleMarkers(), toArray()));
  return out.filter((s) => s.values.includes(STALE)).length;
};

describe('stale markers and field selection', () => {
  it('are sent with container.state written', async () => {
    expect(await markersWith(['network.*'])).toBeGreaterThan(0);
  });

  it('are not sent when FIELDS_EXCLUDE leaves container.state out', async () => {
    expect(await markersWith(['container.state'])).toBe(0);
  });
});
