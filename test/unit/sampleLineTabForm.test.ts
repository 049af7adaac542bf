import fc from 'fast-check';
import { from, lastValueFrom, map, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { remoteWriteLines } from '../../src/app/remoteWritePoints.js';
import { sampleLineReader } from '../../src/deliver/sampleLineReader.js';
import { staleMarkers } from '../../src/encode/staleMarkers.js';
import type { Point } from '../../src/model/point.js';
import { containerPoints } from '../support/arbitraryPoint.js';
import { encoderOf } from '../support/readerEncoder.js';
import { tabSampleLine } from '../support/tabSampleLine.js';

// f05c136 wrote sample lines as four tab-separated JSON texts; a410efa went back to one JSON
// array and dropped the reading of the tab form. A remote_write spool left by a build of main
// from f05c136 to a410efa is then read line by line as damaged: every line skipped, an empty
// WriteRequest sent, its 2xx acknowledging the batch, and nothing counted nor logged.

const lines = (batch: Point[]) => lastValueFrom(from(batch).pipe(remoteWriteLines(), toArray()));
const tabLines = (batch: Point[]) => lastValueFrom(from(batch).pipe(staleMarkers(), map(tabSampleLine), toArray()));

describe('a spool of the tab-separated form (f05c136 to a410efa)', () => {
  it('reads as the same points in the form of now', async () => {
    const line = tabSampleLine({ ms: 5, labels: ['a', 'b'], names: ['m', 'n'], values: [1, 'stale'] });
    expect(encoderOf(sampleLineReader())([line])).toEqual(
      encoderOf(sampleLineReader())(['[5,["a","b"],["m",1,"n",null]]']),
    );
  });

  it('makes the bytes of the same points written now, request after request', async () => {
    const now = encoderOf(sampleLineReader());
    const tab = encoderOf(sampleLineReader());
    await fc.assert(
      fc.asyncProperty(fc.array(containerPoints(50, true), { minLength: 1, maxLength: 3 }), async (batches) => {
        for (const batch of batches) expect(tab(await tabLines(batch))).toEqual(now(await lines(batch)));
      }),
      { numRuns: 200 },
    );
  });
});
