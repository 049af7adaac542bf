import fc from 'fast-check';
import { from, lastValueFrom, map, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { remoteWriteLines } from '../../src/app/remoteWritePoints.js';
import { WriteRequestType } from '../../src/deliver/remoteWriteSchema.js';
import { sampleLineReader } from '../../src/deliver/sampleLineReader.js';
import { chunkLines, encodeChunk } from '../../src/model/chunk.js';
import type { Point } from '../../src/model/point.js';
import { containerPoints, tricky } from '../support/arbitraryPoint.js';
import { encodeWriteRequest, timeSeriesOf } from '../support/messageWriteRequest.js';
import { previousSampleLine as previousLine } from '../support/previousJsonValue.js';
import { staleMarkers as previousStaleMarkers } from '../support/previousStaleMarkers.js';
import { encoderOf } from '../support/readerEncoder.js';

// The version before this change: its samplesOf and staleMarkers (test/support/previous*.ts),
// its line (JSON.stringify of one array) and its reader, whose reading is the reference
// encoder's (test/support/messageWriteRequest.ts, from which its bytes never differed): what it
// wrote must read here as it read there, and (a downgrade) the other way round.

/** The version before's request bytes: the reference encoder's (its bytes were checked equal to them). */
const previousBytes = (lines: readonly string[]): Buffer => Buffer.from(encodeWriteRequest(timeSeriesOf(lines)));

const newLines = (batch: Point[]) => lastValueFrom(from(batch).pipe(remoteWriteLines(), toArray()));
const oldLines = (batch: Point[]) =>
  lastValueFrom(from(batch).pipe(previousStaleMarkers(), map(previousLine), toArray()));

const rawValue = fc.oneof(
  fc.double().map((n) => JSON.stringify(Number.isFinite(n) ? n : null)),
  fc.constantFrom('null', '"NaN"', '"+Inf"', '"-Inf"', '"x"', 'true', '[]', '1e400', '-0'),
);
const msText = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 45 }).map(String),
  fc.constantFrom('-5', '0', '1.5', '1e3', '-0', '1e400', ' 7', '1.', '01', '"5"', ''),
);
/** Lines of the form before, written otherwise too: `blank` between its elements. */
const oldFormLine = (blank: fc.Arbitrary<string>) =>
  fc
    .tuple(
      msText,
      fc.array(tricky(0), { maxLength: 4 }),
      fc.array(fc.tuple(fc.constantFrom('"m"', '"n"', '"\\u006d"', '1'), rawValue), { maxLength: 4 }),
      blank,
    )
    .map(
      ([ms, labels, flat, w]) =>
        `[${ms},${w}${JSON.stringify(labels)},${w}[${flat.map(([n, v]) => `${n},${v}`).join(',')}]]`,
    );

describe('sample lines across versions', () => {
  it('points make the lines and bytes the version before made (its samplesOf, staleMarkers and reader)', async () => {
    const before = previousBytes;
    const now = encoderOf(sampleLineReader());
    await fc.assert(
      fc.asyncProperty(fc.array(containerPoints(50, true), { minLength: 1, maxLength: 3 }), async (batches) => {
        for (const batch of batches) {
          const lines = await newLines(batch);
          expect(lines).toEqual(await oldLines(batch));
          expect(now(lines)).toEqual(before(lines));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("an older spool's lines (JSON's blanks among them, tabs too) read as the version before read them", () => {
    const before = previousBytes;
    const now = encoderOf(sampleLineReader());
    fc.assert(
      fc.property(
        fc.array(oldFormLine(fc.constantFrom('', ' ', '\n', '\r', '\t', ' \t')), { maxLength: 8 }),
        (lines) => {
          expect(now(lines)).toEqual(before(lines));
        },
      ),
      { numRuns: 1000 },
    );
  });

  // JSON allows a tab as a blank: the version before read such a line (only a hand-written spool has it).
  it('a line of the form before with a tab as a blank reads as before', () => {
    const line = '[5,\t["a","b"],\t["m",1]]';
    expect(encoderOf(sampleLineReader())([line])).toEqual(previousBytes([line]));
  });

  // A downgrade: the version before reads this version's lines as its own (the form is the
  // same, byte for byte): a spool made now is sent by it, not skipped as damaged and acknowledged.
  it('a spool written by this version reads in the version before (a downgrade)', async () => {
    const batch: Point[] = [
      {
        measurement: 'cpu',
        tags: { container_id: 'c1' },
        fields: { usage_percent: 12.5 },
        timestamp: '1700000000000000000',
      },
    ];
    const lines = chunkLines(encodeChunk(await newLines(batch), true));
    const decoded = WriteRequestType.decode(previousBytes(lines));
    expect(decoded.toJSON().timeseries ?? []).toHaveLength(1);
  });
});
