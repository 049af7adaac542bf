import { Writable } from 'node:stream';
import { asyncScheduler, defer, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { lineProtocolSink } from '../../src/app/lineProtocolSink.js';
import { openDelivery } from '../../src/app/delivery.js';
import { telemetryBus } from '../../src/app/telemetryBus.js';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import { PointBuffer } from '../../src/deliver/pointBuffer.js';
import { streamSink } from '../../src/deliver/streamSink.js';
import { Int, type Point } from '../../src/model/point.js';
import { silentLogger } from '../../src/model/logger.js';

const point = (seq: number): Point => ({
  measurement: 'm',
  tags: { t: 'x' },
  fields: { seq: new Int(seq) },
  timestamp: String(1_700_000_000_000_000_000n + BigInt(seq)),
});

/** A sink writing into memory: the lines it was given. */
function memorySink(name: string) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').trimEnd().split('\n'));
      done();
    },
  });
  const sink = lineProtocolSink({
    name,
    description: name,
    open: () => streamSink(stream, name),
    buffer: () => new PointBuffer(1_000_000),
    batch: { size: 100, intervalMs: 10 },
  });
  return { sink, lines };
}

describe('openDelivery with several sinks', () => {
  it('gives every sink every point of one subscription to the points, even a source that emits at once', async () => {
    const a = memorySink('a');
    const b = memorySink('b');
    const config = resolveConfig({ env: {} });
    const telemetry = telemetryBus();
    const delivery = openDelivery(config, {
      log: silentLogger,
      telemetry,
      scheduler: asyncScheduler,
      sinks: [a.sink, b.sink],
    });
    let subscriptions = 0;
    const points$ = defer(() => {
      subscriptions++;
      return from([1, 2, 3].map(point));
    });
    await lastValueFrom(points$.pipe(delivery.deliver, toArray()));
    expect(subscriptions).toBe(1);
    expect(a.lines).toHaveLength(3);
    expect(b.lines).toHaveLength(3);
  });

  it('refuses two sinks of one name: their counters, spools and closing would be taken for one', () => {
    const config = resolveConfig({ env: {} });
    const sinks = [memorySink('same').sink, memorySink('same').sink];
    expect(() =>
      openDelivery(config, { log: silentLogger, telemetry: telemetryBus(), scheduler: asyncScheduler, sinks }),
    ).toThrow(/two sinks named "same"/);
  });
});
