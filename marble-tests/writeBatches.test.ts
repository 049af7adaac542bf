import { type Observable, filter, map } from 'rxjs';
import type { ColdObservable } from 'rxjs/internal/testing/ColdObservable';
import { describe, expect, it } from 'vitest';
import { PointBuffer } from '../src/deliver/pointBuffer.js';
import type { LineSink } from '../src/deliver/sink.js';
import { writeBatches } from '../src/deliver/writeBatches.js';
import { type ChunkBatch, chunkLines, encodeChunk } from '../src/model/chunk.js';
import type { DeliveryEvent } from '../src/model/telemetry.js';
import { testScheduler } from './testScheduler.js';

// Ten-byte lines, so buffer limits read as point counts.
const lines = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `m v=${String(from + i).padStart(3, '0')}i`.padEnd(9, ' '));
const batchOf = (ls: string[]): ChunkBatch => ({ chunk: encodeChunk(ls), reason: 'size' });
const status = (statusCode: number, body = '') => ({ statusCode, body, message: body });
// With random() = 0.5 and baseMs 10 the backoff waits are 5, 10, 20 ms.
const retry = (maxRetries: number) => ({ baseMs: 10, maxMs: 100, random: () => 0.5, maxRetries });

/** The events that say what happened to points, as short marble values: W3 = 3 points written. */
const CODE: Partial<Record<DeliveryEvent['type'], string>> = {
  'batch-written': 'W',
  'batch-failed': 'F',
  'batch-split': 'S',
  'points-rejected': 'X',
  'points-retried': 'R',
  'points-dropped': 'D',
};
const codes = (events$: Observable<DeliveryEvent>): Observable<string> =>
  events$.pipe(
    filter((e) => CODE[e.type] !== undefined),
    map((e) => `${CODE[e.type]}${(e as { points: number }).points}`),
  );

/** A sink whose writes are the scripted cold Observables, in order; it keeps the lines of each write. */
function scriptedSink(
  writes: Array<ColdObservable<unknown>>,
  fallback: () => Observable<unknown>,
): LineSink & { written: string[][] } {
  const written: string[][] = [];
  return {
    description: 'scripted',
    gzip: false,
    written,
    write: (chunk) => {
      written.push(chunkLines(chunk));
      return (writes.shift() ?? fallback()) as Observable<void>;
    },
    close: () => undefined,
  };
}

describe('writeBatches: the delivery driver on virtual time', () => {
  it('writes one chunk at a time, oldest first', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const batches = hot('-a-b----------|', { a: batchOf(lines(0, 2)), b: batchOf(lines(2, 3)) });
      const w1 = cold('     ---(o|)');
      const w2 = cold('     ---(o|)');
      const expected = '   ----x--y------|';
      const sink = scriptedSink([w1, w2], () => cold('(o|)'));
      expectObservable(codes(batches.pipe(writeBatches(sink, { buffer: new PointBuffer(1e6) })))).toBe(expected, {
        x: 'W2',
        y: 'W3',
      });
      expectSubscriptions(w1.subscriptions).toBe('-^--!');
      expectSubscriptions(w2.subscriptions).toBe('----^--!');
    });
  });

  it('retries a transient failure after the backoff, and counts the retried points', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const batches = hot('-a 15ms |', { a: batchOf(lines(0, 2)) });
      const w1 = cold('     -#', undefined, status(503));
      const w2 = cold('     --(o|)');
      const expected = '   9ms (rw) 4ms |';
      const sink = scriptedSink([w1, w2], () => cold('(o|)'));
      const out = batches.pipe(writeBatches(sink, { buffer: new PointBuffer(1e6), retry: retry(3) }));
      expectObservable(codes(out)).toBe(expected, { r: 'R2', w: 'W2' });
      expectSubscriptions(w1.subscriptions).toBe('-^!');
      expectSubscriptions(w2.subscriptions).toBe('7ms ^-!');
    });
  });

  it('puts a chunk back when its retries are spent, and writes it first at the next batch', () => {
    let written: string[][] = [];
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const batches = hot('-a 9ms b 9ms |', { a: batchOf(lines(0, 2)), b: batchOf(lines(2, 3)) });
      const fail = () => cold('-#', undefined, status(500));
      const expected = '   8ms (rf) x y 7ms |';
      const sink = scriptedSink([fail(), fail(), cold('-(o|)'), cold('-(o|)')], () => cold('(o|)'));
      written = sink.written;
      const out = batches.pipe(writeBatches(sink, { buffer: new PointBuffer(1e6), retry: retry(1) }));
      expectObservable(codes(out)).toBe(expected, { r: 'R2', f: 'F2', x: 'W2', y: 'W3' });
    });
    // two attempts of a, then a again, then b
    expect(written).toEqual([lines(0, 2), lines(0, 2), lines(0, 2), lines(2, 3)]);
  });

  it('counts the oldest points dropped when a failed chunk comes back to a buffer that filled meanwhile', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const batches = hot('-a-b 8ms |', { a: batchOf(lines(0, 6)), b: batchOf(lines(6, 8)) });
      const fail = () => cold('-#', undefined, status(503));
      const expected = '   8ms (rfd) x (y|)';
      const sink = scriptedSink([fail(), fail(), cold('-(o|)'), cold('-(o|)')], () => cold('(o|)'));
      const buffer = new PointBuffer(100); // ten lines
      const out = batches.pipe(writeBatches(sink, { buffer, retry: retry(1) }));
      // 6 in flight + 8 new = 14 lines for room of 10: the 4 oldest go; 2 + 8 are written.
      expectObservable(codes(out)).toBe(expected, { r: 'R6', f: 'F6', d: 'D4', x: 'W2', y: 'W8' });
    });
  });

  it('splits a batch the server finds too large (413) down to single points, and rejects one still too large', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const huge = `m note="${'x'.repeat(50)}"`;
      const batches = hot('-a---------|', { a: batchOf([...lines(0, 2), huge]) });
      const expected = '   --stwvx----|';
      const sink: LineSink = {
        description: 'scripted',
        gzip: false,
        write: (chunk) =>
          (chunk.points > 1 || chunkLines(chunk)[0] === huge
            ? cold('-#', undefined, status(413))
            : cold('-(o|)')) as Observable<never>,
        close: () => undefined,
      };
      const out = batches.pipe(writeBatches(sink, { buffer: new PointBuffer(1e6) }));
      expectObservable(codes(out)).toBe(expected, { s: 'S3', t: 'S2', w: 'W1', v: 'W1', x: 'X1' });
    });
  });

  it('rejects the lines a 400 names and writes the rest once more', () => {
    let written: string[][] = [];
    const [a, b, c] = lines(0, 3);
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const batches = hot('-k----|', { k: batchOf([a!, b!, c!]) });
      const w1 = cold('     -#', undefined, status(400, `unable to parse '${b}': bad field`));
      const w2 = cold('     -(o|)');
      const sink = scriptedSink([w1, w2], () => cold('(o|)'));
      written = sink.written;
      expectObservable(codes(batches.pipe(writeBatches(sink, { buffer: new PointBuffer(1e6) })))).toBe('--xw--|', {
        x: 'X1',
        w: 'W2',
      });
    });
    expect(written).toEqual([
      [a, b, c],
      [a, c],
    ]);
  });

  it('keeps what a refused write (401) put back until a manual flush', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const batches = hot('-a-------|', { a: batchOf(lines(0, 2)) });
      const flush$ = hot('  -----f----');
      const w1 = cold('     -#', undefined, status(401));
      const w2 = cold('     -(o|)');
      const sink = scriptedSink([w1, w2], () => cold('(o|)'));
      const out = batches.pipe(writeBatches(sink, { buffer: new PointBuffer(1e6), flush$, retry: retry(3) }));
      expectObservable(codes(out)).toBe('--f---w--|', { f: 'F2', w: 'W2' });
    });
  });

  it('completes at once on an empty source, says nothing on a silent one, and passes an error on', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const sink = (w: ColdObservable<unknown>) => scriptedSink([w], () => cold('(o|)'));
      const opts = { buffer: new PointBuffer(1e6) };
      expectObservable(cold<ChunkBatch>('|').pipe(writeBatches(sink(cold('(o|)')), opts))).toBe('|');
      expectObservable(cold<ChunkBatch>('-').pipe(writeBatches(sink(cold('(o|)')), opts)), '^ 20ms !').toBe('-');
      const w = cold('     ---(o|)');
      const failing = hot('-a-#', { a: batchOf(lines(0, 1)) });
      expectObservable(codes(failing.pipe(writeBatches(sink(w), opts)))).toBe('---#');
      expectSubscriptions(w.subscriptions).toBe('-^-!');
    });
  });

  it('cancels the write under way when unsubscribed', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const batches = hot('-a----|', { a: batchOf(lines(0, 1)) });
      const w = cold('      -----(o|)');
      const out = batches.pipe(
        writeBatches(
          scriptedSink([w], () => cold('(o|)')),
          { buffer: new PointBuffer(1e6) },
        ),
      );
      expectObservable(codes(out), '---!').toBe('---');
      expectSubscriptions(w.subscriptions).toBe('-^-!');
    });
  });
});
