import { describe, expect, it } from 'vitest';
import { decodeRemoteWriteBody, remoteWriteRequest } from '../../src/deliver/remoteWriteRequest.js';
import { encodeChunk } from '../../src/model/chunk.js';
import { sampleLine } from '../../src/model/sampleLine.js';

// A hand-made or foreign spool line with a label name twice: Prometheus 2.42 answers its request
// with a 500 ("duplicate label names"), so its batch was retried and put back for ever, holding up
// every point behind it. Such a line is now one that does not read (rejected and counted).
const ms = 1_700_000_000_000;
const good = sampleLine({ ms, labels: ['container_id', 'abc', 'name', 'web'], names: ['up'], values: [1] });

describe('sample lines whose labels no receiver takes', () => {
  it.each([
    ['a name twice', '[1700000000000,["name","a","name","b"],["up",1]]'],
    ["the metric's own name", '[1700000000000,["__name__","x"],["up",1]]'],
    ['a name twice, written another way', '[1700000000000, ["name","a","name","b"], ["up",1]]'],
  ])('%s: not read, the good line beside it is', (_what, bad) => {
    const { body, unread } = remoteWriteRequest(encodeChunk([bad, good]));
    expect(unread).toBe(1);
    const series = decodeRemoteWriteBody(body);
    expect(series.map((s) => s.labels)).toEqual([
      [
        { name: '__name__', value: 'up' },
        { name: 'container_id', value: 'abc' },
        { name: 'name', value: 'web' },
      ],
    ]);
  });
});
