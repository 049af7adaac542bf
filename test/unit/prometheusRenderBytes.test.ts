import fc from 'fast-check';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/deliver/prometheus/byteWriter.js';
import { prometheusSink } from '../../src/deliver/prometheusSink.js';
import { LatestSeries } from '../../src/deliver/prometheus/latestSeries.js';
import { renderContainers } from '../../src/deliver/prometheus/render.js';
import { type FieldValue, type Fields, type Point, int } from '../../src/model/point.js';
import { renderContainersText } from '../support/prometheusText.js';

// Text that a label value or a name may hold: quotes, backslashes, newlines, non-ASCII, lone surrogates.
const text = fc.string({
  // Lone halves of a surrogate pair too, each alone and side by side (encoded as U+FFFD either way).
  unit: fc.constantFrom(
    'a',
    'Z',
    '0',
    '"',
    '\\',
    '\n',
    '\r',
    '.',
    '-',
    ' ',
    'é',
    '水',
    '😀',
    '\uD800',
    '\uDC00',
    '\uD83D',
  ),
});
const value: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.double(),
  fc.integer({ min: -1e6, max: 1e12 }).map((n) => int(n)),
  fc.bigInt({ min: 0n, max: 2n ** 64n }),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, true, false, 'running'),
);
const CPU = [
  'usage_total_ns',
  'user_total_ns',
  'system_total_ns',
  'throttling_periods',
  'throttled_periods',
  'throttled_time_ns',
  'pids_current',
  'limit_cpus',
  'limit_percent',
  'pressure_some_time_ns',
  'pressure_full_time_ns',
];
const MEMORY = [
  'usage_bytes',
  'total_usage_bytes',
  'limit_bytes',
  'rss_bytes',
  'anon_bytes',
  'cache_bytes',
  'file_bytes',
];
const NET = ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped'];
const IO = ['read_bytes', 'write_bytes', 'read_ops', 'write_ops', 'pressure_some_time_ns'];
const fieldsOf = (names: readonly string[]): fc.Arbitrary<Fields> =>
  fc.dictionary(fc.constantFrom(...names), value, { maxKeys: names.length });
const status: fc.Arbitrary<Fields> = fc.record(
  {
    running: fc.boolean(),
    state: fc.constantFrom('created', 'running', 'paused', 'exited', 'dead', 'odd'),
    exit_code: value,
    restart_count: value,
    started_at: value,
    uptime_seconds: value,
    health_status: fc.constantFrom('starting', 'healthy', 'unhealthy', 'none'),
    health_failing_streak: value,
    oom_killed: fc.boolean(),
  },
  { requiredKeys: [] },
);
const container = fc.record({
  tags: fc.record({
    container_id: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 64 }),
    container_name: text,
    image: text,
    labels: fc.dictionary(text, text, { maxKeys: 4 }),
  }),
  points: fc.array(
    fc.oneof(
      fc.record({ m: fc.constant('cpu'), fields: fieldsOf(CPU) }),
      fc.record({ m: fc.constant('memory'), fields: fieldsOf(MEMORY) }),
      fc.record({ m: fc.constant('network'), key: text, fields: fieldsOf(NET) }),
      fc.record({ m: fc.constant('blockio'), key: fc.option(text, { nil: undefined }), fields: fieldsOf(IO) }),
      fc.record({ m: fc.constant('container'), fields: status }),
    ),
    { maxLength: 8 },
  ),
});

describe('the containers on /metrics written as bytes', () => {
  it('are, byte for byte, the text the plain concatenation of strings writes, whatever the labels and values', () => {
    fc.assert(
      fc.property(fc.array(container, { maxLength: 6 }), (containers) => {
        const latest = new LatestSeries(60_000, () => 0);
        let ts = 1_000_000_000_000_000_000n;
        for (const { tags, points } of containers) {
          const own = {
            host: 'h',
            ...tags.labels,
            container_id: tags.container_id,
            container_name: tags.container_name,
            image: tags.image,
          };
          for (const p of points) {
            ts += 1_000_000n;
            const extra =
              'key' in p && p.key !== undefined ? { [p.m === 'network' ? 'interface' : 'device']: p.key } : {};
            const point: Point = {
              measurement: p.m,
              tags: { ...own, ...extra },
              fields: p.fields,
              timestamp: String(ts),
            };
            latest.put(point);
          }
        }
        const reference = Buffer.from(renderContainersText(latest.entries()));
        // Into a new writer, then twice into one kept (grown by the first, then written over).
        expect(renderContainers(latest.entries()).toString('latin1')).toBe(reference.toString('latin1'));
        const kept = new ByteWriter(1);
        expect(renderContainers(latest.entries(), kept).equals(reference)).toBe(true);
        expect(renderContainers(latest.entries(), kept).equals(reference)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('as a sink: reuses its buffer for a scrape only once the last one was sent', () => {
    const sink = prometheusSink({ staleAfterMs: 60_000 });
    const points$ = new Subject<Point>();
    sink.deliver(points$).subscribe();
    const tags = { container_id: 'a'.repeat(64), container_name: 'web', image: 'nginx' };
    points$.next({ measurement: 'memory', tags, fields: { usage_bytes: int(1000) }, timestamp: '1000000000' });
    const first = sink.render();
    const text = first.toString();
    expect(text).toContain('container_memory_working_set_bytes{');
    // Not released (still being sent): the next scrape is written elsewhere, the first stays as it was.
    points$.next({ measurement: 'memory', tags, fields: { usage_bytes: int(2000) }, timestamp: '2000000000' });
    const second = sink.render();
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.toString()).toBe(text);
    expect(second.toString()).toBe(text.replace(' 1000\n', ' 2000\n').replace(/ 1\n$/, ' 2\n'));
    sink.released(first);
    expect(sink.render().buffer).toBe(first.buffer);
    points$.complete();
  });

  it('keeps its buffer between texts of about one size, and lets a large one go after a small text', () => {
    const out = new ByteWriter(1024);
    const write = (n: number): void => {
      out.restart();
      out.bytes(new Uint8Array(n));
    };
    write(1_000_000);
    const grown = out.capacity;
    expect(grown).toBeGreaterThanOrEqual(1_000_000);
    expect(grown).toBeLessThan(2 * 1_000_000 + 1024);
    // Texts from a quarter of it to all of it: the same buffer, no shrinking and growing back.
    for (const n of [300_000, 1_000_000, 260_000, 900_000]) {
      write(n);
      expect(out.capacity).toBe(grown);
    }
    write(10_000); // the containers went away: let go at the next text, which knows the last was small
    expect(out.capacity).toBe(grown);
    write(10_000);
    expect(out.capacity).toBe(2 * 10_000);
    write(100); // never below twice the least asked for
    write(100);
    expect(out.capacity).toBe(2 * 1024);
  });

  it('writes pieces into a buffer that grows as they come, and rewinds', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => ({ kind: 'bytes' as const, b })),
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((t) => ({ kind: 'ascii' as const, t })),
      fc.integer({ min: 0, max: 255 }).map((n) => ({ kind: 'byte' as const, n })),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.nat(2000), (pieces, capacity) => {
        const out = new ByteWriter(capacity);
        const expected: Buffer[] = [];
        for (const p of pieces) {
          if (p.kind === 'bytes') {
            out.bytes(p.b);
            expected.push(Buffer.from(p.b));
          } else if (p.kind === 'ascii') {
            out.ascii(p.t);
            expected.push(Buffer.from(p.t, 'latin1'));
          } else {
            out.byte(p.n);
            expected.push(Buffer.from([p.n]));
          }
        }
        const mark = out.at;
        out.ascii('taken back');
        out.rewind(mark);
        expect(out.result().equals(Buffer.concat(expected))).toBe(true);
      }),
    );
  });

  it("keeps a container's label bytes in memory of their own, not a slice of Buffer's shared pool", () => {
    // A slice keeps its whole 8 kB pool slab alive, full of others' short-lived bytes (the stream
    // framer's tails): 10,000 containers held 78 MB for 4 MB of label blocks.
    const latest = new LatestSeries(3_600_000);
    for (let i = 0; i < 20; i++) {
      const tags = { container_id: `${i}`.padStart(64, '0'), container_name: `box-${i}-é😀`, image: 'img' };
      latest.put({ measurement: 'cpu', tags, fields: { usage_total_ns: int(i) }, timestamp: '1000000000' });
    }
    for (const c of latest.entries()) {
      expect(c.labelBytes.byteLength).toBeGreaterThan(0);
      expect(c.labelBytes.buffer.byteLength).toBe(c.labelBytes.byteLength);
      expect(Buffer.from(c.labelBytes).toString()).toBe(c.labels);
    }
  });
});
