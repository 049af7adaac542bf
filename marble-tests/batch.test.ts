import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import { type Batch, batch, batchSettings } from '../src/batch/batch.js';
import { batchLines } from '../src/batch/batchLines.js';
import { chunkLines } from '../src/model/chunk.js';
import { testScheduler } from './testScheduler.js';

// Batches as marble values: the items joined, and why the batch went out.
const b = (items: string, reason: Batch<string>['reason']): Batch<string> => ({ items: [...items], reason });

describe('batch: size, time and manual flush', () => {
  it('emits on size, then on time 10 ms after the first point of the next batch', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('  -a-b-c--d----------------|');
      const expected = '    -----x------------y------|';
      //                         size ^      ^ d + 10 ms
      const out = source.pipe(batch({ size: 3, intervalMs: 10 }, scheduler));
      expectObservable(out).toBe(expected, { x: b('abc', 'size'), y: b('d', 'time') });
    });
  });

  it('emits on time, then on size, restarting the timer with each batch', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('  -a--------b-c-d-e---|');
      const expected = '    ---------x----y-----(z|)';
      //                  a + 8 ms ^    ^ size
      const out = source.pipe(batch({ size: 3, intervalMs: 8 }, scheduler));
      expectObservable(out).toBe(expected, { x: b('a', 'time'), y: b('bcd', 'size'), z: b('e', 'final') });
    });
  });

  it('flushes by hand what is waiting, and never emits an empty batch', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('  -a-b------------c----|');
      const flush$ = hot('  ----f---f-------------');
      const expected = '    ----x----------------(z|)';
      //            full buffer ^   ^ empty buffer: nothing
      const out = source.pipe(batch({ size: 10, intervalMs: 100, flush$ }, scheduler));
      expectObservable(out).toBe(expected, { x: b('ab', 'manual'), z: b('c', 'final') });
    });
  });

  it('a manual flush restarts the timer: the next point waits the whole interval', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('  -a---b----------|');
      const flush$ = hot('  ---f-------------');
      const expected = '    ---x------y-----|';
      const out = source.pipe(batch({ size: 10, intervalMs: 5, flush$ }, scheduler));
      expectObservable(out).toBe(expected, { x: b('a', 'manual'), y: b('b', 'time') });
    });
  });

  it('emits what remains on completion, and before an error', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const completes = hot('-a-b-|');
      const fails = hot('    -a-b-#');
      const expected = '     -----(z|)';
      const failed = '       -----(z#)';
      expectObservable(completes.pipe(batch({ size: 10, intervalMs: 100 }, scheduler))).toBe(expected, {
        z: b('ab', 'final'),
      });
      expectObservable(fails.pipe(batch({ size: 10, intervalMs: 100 }, scheduler))).toBe(failed, {
        z: b('ab', 'final'),
      });
    });
  });

  it('rejects a size above maxBatchSize (10000) with a clear error', () => {
    expect(() => batch({ size: 10_001 })).toThrow('batch size 10001 exceeds maxBatchSize 10000');
    expect(() => batch({ size: 0 })).toThrow('batch size must be a whole number of at least 1, got 0');
    expect(batchSettings({ size: 20_000, maxBatchSize: 20_000 }).size).toBe(20_000);
  });
});

describe('batchLines: the same flushes, each batch one chunk of line-protocol bytes', () => {
  it('emits on size, on time and by hand; gzipped chunks read back the same lines', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('  -a-b-c--d---------e--|');
      const flush$ = hot('  -----------------------');
      const expected = '    -----x------y--------(z|)';
      //                         size ^  ^ d + 4 ms
      const long = (c: string): string => `m,tag=${c} v=${c.repeat(400)}`; // over 1 kB a batch: gzipped
      for (const gzip of [false, true]) {
        const out = source.pipe(
          map(long),
          batchLines({ size: 3, intervalMs: 4, flush$, gzip }, scheduler),
          map(({ chunk, reason }) => ({ lines: chunkLines(chunk), points: chunk.points, gzip: chunk.gzip, reason })),
        );
        expectObservable(out).toBe(expected, {
          x: { lines: ['a', 'b', 'c'].map(long), points: 3, gzip, reason: 'size' },
          y: { lines: [long('d')], points: 1, gzip: false, reason: 'time' },
          z: { lines: [long('e')], points: 1, gzip: false, reason: 'final' },
        });
      }
    });
  });
});
