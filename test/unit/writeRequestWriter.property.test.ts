import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { remoteWriteLines } from '../../src/app/remoteWritePoints.js';
import { WriteRequestType } from '../../src/deliver/remoteWriteSchema.js';
import { encodeSampleLines } from '../../src/deliver/remoteWriteRequest.js';
import { sampleLineReader } from '../../src/deliver/sampleLineReader.js';
import { WriteRequestWriter } from '../../src/deliver/writeRequestWriter.js';
import { containerPoints, tricky } from '../support/arbitraryPoint.js';
import { encodeWriteRequest, timeSeriesOf } from '../support/messageWriteRequest.js';

/** The previous encoder's bytes: protobufjs's encode of message objects. */
const previous = (lines: readonly string[]): Buffer => Buffer.from(encodeWriteRequest(timeSeriesOf(lines)));

const labelText = fc.array(tricky(0), { maxLength: 5 }).map((l) => JSON.stringify(l));
const rawValue = fc.oneof(
  fc.double().map((n) => JSON.stringify(Number.isFinite(n) ? n : null)),
  fc.constantFrom('null', '"NaN"', '"+Inf"', '"-Inf"', '"toString"', '"x"', 'true', '[]', '1e400', '-0'),
);
const msText = fc.oneof(
  fc.integer({ min: 0, max: 4 }).map(String),
  fc.integer({ min: 0, max: 2 ** 45 }).map(String),
  fc.constantFrom('-5', '0', '1.5', '1e3', '9007199254740993', '-1e20', '0x10', ' 7', '1.', '01', '"5"', ''),
);
const namesText = fc.array(fc.constantFrom('m', 'n', 'toString', ''), { maxLength: 4 }).map((n) => JSON.stringify(n));
const valuesText = fc.array(rawValue, { maxLength: 5 }).map((v) => `[${v.join(',')}]`);
/**
 * Lines as a spool may hold them: in the form before (one JSON array) or this one (tab-separated
 * parts), written otherwise (blanks, escapes, tabs), odd times and values, damaged.
 */
const oddLine = fc.oneof(
  fc
    .tuple(msText, labelText, namesText, valuesText, fc.constantFrom('\t', '\t\t', ' \t', '\t '))
    .map(([ms, labels, names, values, tab]) => [ms, labels, names, values].join(tab)),
  fc.constantFrom(
    '5\t["a","b"]\t["m"]\t[1]',
    '5\t["a","b"]\t["m","n"]\t[1]',
    '5\t["a","b"]\t["m"]\t[1]\t',
    '5\t["a","b"]\t["m"]',
    '5\t["a\\t","b"]\t["m"]\t[null]',
    '5\t[ "a", "b" ]\t["\\u006d"]\t[ 2 ]',
    '5\t["a","b"]\t"m"\t[3]',
    '5\t["a",1]\t["m"]\t[4]',
    '\t["a","b"]\t["m"]\t[5]',
  ),
  fc
    .tuple(msText, labelText, fc.array(fc.tuple(fc.constantFrom('"m"', '"n"', '"\\u006d"', '1'), rawValue)))
    .map(([ms, labels, flat]) => `[${ms},${labels},[${flat.map(([n, v]) => `${n},${v}`).join(',')}]]`),
  fc.constantFrom(
    '[5, ["a","b"], ["m",1]]',
    '[5,["\\u0061","b"],["m",2]]',
    '[5,["a","b","c"],["m",3]]',
    '[5,["a","b"],["m",4,"n"]]',
    '[5,["a","b"],["m",5]',
    '[5,["a","b"],["m",5]]]',
    '[5,["a","b"],["m",6],[]]',
    '[5,["a",1],["m",7]]',
    '[5,["a\\"],","b"],["m",8]]',
    '[5,["a","b"],{"m":9}]',
    'not json',
    '',
  ),
);

describe('WriteRequestWriter: the bytes protobufjs wrote from message objects', () => {
  it('equals the previous encoder on the sample lines of random points, request after request', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(containerPoints(5000), { minLength: 1, maxLength: 3 }), async (batches) => {
        for (const batch of batches) {
          const lines = await lastValueFrom(from(batch).pipe(remoteWriteLines(), toArray()));
          expect(Buffer.from(encodeSampleLines(lines))).toEqual(previous(lines));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('equals it on odd and damaged lines, and reads as protobufjs decodes the previous bytes', () => {
    fc.assert(
      fc.property(fc.array(oddLine, { maxLength: 20 }), (lines) => {
        const bytes = Buffer.from(encodeSampleLines(lines));
        expect(bytes).toEqual(previous(lines));
        expect(WriteRequestType.toObject(WriteRequestType.decode(bytes))).toEqual(
          WriteRequestType.toObject(WriteRequestType.decode(previous(lines))),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('equals it after the label sets are forgotten past the bound', () => {
    const reader = sampleLineReader(2);
    const writer = new WriteRequestWriter();
    fc.assert(
      fc.property(fc.array(oddLine, { maxLength: 10 }), (lines) => {
        reader.trim();
        writer.begin();
        for (const line of lines) reader.read(line, writer);
        expect(Buffer.from(writer.finish())).toEqual(previous(lines));
      }),
      { numRuns: 500 },
    );
  });
});
