import { describe, expect, it } from 'vitest';
import type { ContainerRef } from '../src/model/container.js';
import type { TelemetryEvent } from '../src/model/telemetry.js';
import type { DiscoveryEvent } from '../src/sources/engine/discovery.js';
import { watchContainers } from '../src/sources/watchContainers.js';
import { captureLogger } from '../test/support/captureLogger.js';
import { testScheduler } from './testScheduler.js';

const ref = (id: string, name = id): ContainerRef => ({ id, name, image: 'img', labels: {} });
const events: Record<string, DiscoveryEvent> = {
  a: { kind: 'added', container: ref('a') },
  b: { kind: 'added', container: ref('b') },
  n: { kind: 'renamed', container: ref('a', 'a2') },
  r: { kind: 'removed', id: 'a', action: 'die' },
  y: { kind: 'synced', watched: 2 },
};
// Each value labelled `<container name>:<value>`.
const label = (container: ContainerRef, value: string): string => `${container.name}:${value}`;
const options = {
  engine: 'unix:///e.sock',
  source: 'api',
  stopGraceMs: 3,
  engineRetry: { baseMs: 10, maxMs: 10, random: () => 0.5 },
};

describe('watchContainers: the lifecycle of container streams', () => {
  it('opens a stream per added container and labels its values with the container', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const discovery = hot('-a--b---------', events);
      const sa = cold('       -x--x--x--x-');
      const sb = cold('          --x--x--x');
      const expected = '     --A--AB-AB-AB';
      const streams = { a: sa, b: sb } as Record<string, typeof sa>;
      const out = watchContainers(discovery, (c) => streams[c.id]!, label, options);
      expectObservable(out, '^ 12ms !').toBe(expected, { A: 'a:x', B: 'b:x' });
      expectSubscriptions(sa.subscriptions).toBe('-^ 11ms !');
      expectSubscriptions(sb.subscriptions).toBe('----^ 8ms !');
    });
  });

  it('follows a rename, and ends a removed container’s stream after the stop grace', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const discovery = hot('-a--n--r------', events);
      const sa = cold('       xxxxxxxxxxxxx');
      //                    added ^  ^ renamed ^ removed: 3 ms of grace
      const expected = '     -aaaNNNNNNN--';
      const out = watchContainers(discovery, () => sa, label, options);
      expectObservable(out, '^ 12ms !').toBe(expected, { a: 'a:x', N: 'a2:x' });
      expectSubscriptions(sa.subscriptions).toBe('-^ 8ms !');
    });
  });

  it('ends a stream that completes by itself, and keeps an error in one stream to that stream', () => {
    const log = captureLogger();
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const discovery = hot('-a-b--------', events);
      const sa = cold('       -x-|');
      const sb = cold('         -x-#-');
      const out = watchContainers(discovery, (c) => (c.id === 'a' ? sa : sb), label, { ...options, log });
      expectObservable(out, '^ 10ms !').toBe('--A-B------', { A: 'a:x', B: 'b:x' });
      expectSubscriptions(sa.subscriptions).toBe('-^--!');
      expectSubscriptions(sb.subscriptions).toBe('---^--!');
    });
    expect(log.entries.map((e) => e.msg)).toContain('container stats stream failed');
  });

  it('when discovery errors (engine gone): ends every stream, reports it, and resubscribes after the backoff', () => {
    const reported: TelemetryEvent[] = [];
    const log = captureLogger();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // A new subscription to discovery is a new listing: the first session fails at 4 ms.
      const discovery = cold('a-y-#', events);
      const sa = cold('       x-x-x-x-x-x-x-x-x-');
      const expected = '     A-A------A-A-';
      const telemetry = { next: (e: TelemetryEvent) => reported.push(e) };
      const out = watchContainers(discovery, () => sa, label, { ...options, log, telemetry });
      // backoff: floor(0.5 * 10) = 5 ms, then the second session lists again at 9 ms... and fails at 13 ms
      expectObservable(out, '^ 12ms !').toBe(expected, { A: 'a:x' });
      expectSubscriptions(discovery.subscriptions).toBe(['^---!', '9ms ^---!']);
      expectSubscriptions(sa.subscriptions).toBe(['^---!', '9ms ^---!']);
    });
    const types = reported.map((e) => e.type);
    expect(types.filter((t) => t.startsWith('engine'))).toEqual(['engine-up', 'engine-down', 'engine-up']);
    expect(types.filter((t) => t === 'stream-opened')).toHaveLength(2);
    expect(types.filter((t) => t === 'stream-closed')).toHaveLength(2);
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
  });

  it('mirrors an empty discovery and a silent one', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold<DiscoveryEvent>('|');
      const silent = cold<DiscoveryEvent>('-');
      expectObservable(watchContainers(empty, () => cold<string>('x'), label, options)).toBe('|');
      expectObservable(
        watchContainers(silent, () => cold<string>('x'), label, options),
        '^ 5ms !',
      ).toBe('-');
      expectSubscriptions(silent.subscriptions).toBe('^ 5ms !');
    });
  });
});
