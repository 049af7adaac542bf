import { PassThrough } from 'node:stream';
import { firstValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { frameLines } from '../../src/parse/frameLines.js';
import { fixture, fixtureLines } from '../support/fixtures.js';

async function frame(chunks: Buffer[]): Promise<string[]> {
  const source = new PassThrough();
  const lines = firstValueFrom(frameLines(source).pipe(toArray()));
  for (const chunk of chunks) source.write(chunk);
  source.end();
  return lines;
}

describe('frameLines', () => {
  for (const name of ['stream-busy-cgroupv1.ndjson', 'stream-until-stop.ndjson', 'events.ndjson']) {
    it(`frames ${name} identically when split at every byte offset`, async () => {
      const bytes = Buffer.from(fixture(name));
      const expected = fixtureLines(name);
      expect(expected.length).toBeGreaterThan(2);
      for (let at = 0; at <= bytes.length; at++) {
        const lines = await frame([bytes.subarray(0, at), bytes.subarray(at)]);
        if (lines.length !== expected.length || lines.some((l, i) => l !== expected[i])) {
          expect.fail(`split at byte ${at} framed ${lines.length} records differently`);
        }
      }
    });
  }

  it('frames records delivered a byte at a time, and a last record without a newline', async () => {
    const text = fixture('stream-idle-cgroupv1.ndjson').trimEnd();
    const bytes = Buffer.from(text);
    const lines = await frame([...bytes].map((b) => Buffer.from([b])));
    expect(lines).toEqual(fixtureLines('stream-idle-cgroupv1.ndjson'));
    expect(lines.map((l) => JSON.parse(l).read)).toHaveLength(3);
  });

  it('destroys the source stream on unsubscribe', () => {
    const source = new PassThrough();
    frameLines(source).subscribe().unsubscribe();
    expect(source.destroyed).toBe(true);
  });
});
