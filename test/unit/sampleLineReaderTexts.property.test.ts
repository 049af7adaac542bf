import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleLineReader } from '../../src/deliver/sampleLineReader.js';
import { WriteRequestWriter } from '../../src/deliver/writeRequestWriter.js';
import { encodeWriteRequest, timeSeriesOf } from '../support/messageWriteRequest.js';

// The reader finds a line's labels by the first "],[ whose quote is not escaped; a label value
// may hold that text escaped (x"],["y), or begin with ],[ (then the quote found opens a string),
// and one label set may come in several texts (\u escapes, \/, blanks). Label values drawn from
// the characters that matter there, sets met in several texts across the generations' turns (a
// small bound, turning every request or few): the bytes are the reference encoder's.

const previous = (lines: readonly string[]): Buffer => Buffer.from(encodeWriteRequest(timeSeriesOf(lines)));

const char = fc.constantFrom('"', '\\', ']', '[', ',', 'a', ' ', '\u2028', '\uD800', '\uDC00', '/', 'u');
const value = fc.array(char, { maxLength: 8 }).map((cs) => cs.join(''));

/** Another JSON text of a string: the characters `seed` picks as \u escapes, `/` as `\/` when it says so. */
const textOf = (s: string, seed: number): string => {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if ((seed >> (i % 16)) & 1) out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else if (c === '/' && seed & 2) out += '\\/';
    else out += JSON.stringify(c).slice(1, -1);
  }
  return `${out}"`;
};
const labelsText = (labels: string[], seed: number, blank: string): string =>
  `[${labels.map((l, i) => textOf(l, seed + i)).join(`${blank},`)}]`;

const line = fc.tuple(
  fc.nat(),
  fc.nat(),
  fc.constantFrom('', ' '),
  fc.nat(5),
  fc.constantFrom('"m"', '"n"', '"\\u006d"'),
);

describe('sampleLineReader: label texts that hold what it looks for', () => {
  it('equals the reference encoder, a set in several texts, across the turns of its generations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.array(line, { maxLength: 8 }), { maxLength: 8 }),
        (sets, maxSets, every, requests) => {
          const reader = sampleLineReader(maxSets, every);
          const writer = new WriteRequestWriter();
          for (const request of requests) {
            const lines = request.map(
              ([set, seed, blank, ms, name]) =>
                `[${ms},${labelsText(sets[set % sets.length]!, seed, blank)},[${name},${ms}]]`,
            );
            reader.trim();
            writer.begin();
            for (const l of lines) reader.read(l, writer);
            expect(Buffer.from(writer.finish())).toEqual(previous(lines));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
