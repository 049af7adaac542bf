import { describe, it } from 'vitest';
import type { TelemetryEvent } from '../src/model/telemetry.js';
import { openStreams } from '../src/telemetry/openStreams.js';
import { testScheduler } from './testScheduler.js';

const events: Record<string, TelemetryEvent> = {
  o: { type: 'stream-opened', engine: 'e', source: 'api', container: 'c' },
  c: { type: 'stream-closed', engine: 'e', source: 'api' },
  x: { type: 'record-transformed', points: 3 },
};

describe('openStreams: the count of open streams, hot', () => {
  it('counts the streams opened before anyone reads the count', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const telemetry = hot('-o-o-o-x-c---o--', events);
      const { count$ } = openStreams(telemetry);
      const late = '         ------^---------';
      const expected = '       ------3--2---3--';
      expectObservable(count$, late).toBe(expected, { 2: 2, 3: 3 });
    });
  });
});
