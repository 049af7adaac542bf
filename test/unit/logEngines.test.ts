import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/model/telemetry.js';
import { logEngines } from '../../src/telemetry/logEngines.js';
import { captureLogger } from '../support/captureLogger.js';

const A = 'unix:///var/run/docker.sock';
const B = 'tcp://10.0.0.2:2376';
const opened = (engine: string, container: string, source = 'cgroup'): TelemetryEvent => ({
  type: 'stream-opened',
  engine,
  source,
  container,
});

describe('logEngines', () => {
  it('logs each engine once at start, and its first container once when it started with none', async () => {
    const log = captureLogger();
    const events: TelemetryEvent[] = [
      { type: 'engine-described', engine: A, statsSource: 'auto', readsFrom: 'cgroup files' },
      { type: 'engine-described', engine: B, statsSource: 'auto', readsFrom: 'the Engine API' },
      opened(B, 'db'),
      { type: 'engine-up', engine: B, watched: 1 },
      { type: 'engine-up', engine: A, watched: 0, product: 'Docker 20.10.24' },
      opened(A, 'web-1'),
      opened(A, 'web-2'),
      { type: 'engine-down', engine: A, reason: 'ECONNREFUSED' },
      { type: 'engine-up', engine: A, watched: 2, product: 'Docker 20.10.24' },
      opened(B, 'db-2', 'api'),
    ];
    const out = await lastValueFrom(from(events).pipe(logEngines(log), toArray()));
    expect(out).toEqual(events);
    expect(log.entries.map((e) => `${e.level} ${e.msg}`)).toEqual([
      `info watching 1 container on ${B} (version unknown), stats from the Engine API (STATS_SOURCE=auto)`,
      `info watching 0 containers on ${A} (Docker 20.10.24), stats from cgroup files (STATS_SOURCE=auto); none matches yet: the first one to start is logged`,
      'info the first container is watched: web-1 (stats source cgroup)',
    ]);
    expect(log.entries[1]!.obj).toEqual({
      engine: A,
      watched: 0,
      product: 'Docker 20.10.24',
      statsSource: 'auto',
      readsFrom: 'cgroup files',
    });
  });
});
