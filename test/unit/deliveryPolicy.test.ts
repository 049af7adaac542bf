import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Job, type WriteOutcome, deliveryStep, startDelivery } from '../../src/deliver/deliveryPolicy.js';
import { chunkLines, encodeChunk } from '../../src/model/chunk.js';

const lines = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => `m v=${from + i}i`);
const job = (ls: string[], lastChance = false): Job => ({ chunk: encodeChunk(ls), lastChance });
const written = (retries = 0): WriteOutcome => ({ kind: 'written', latencyMs: 12, at: 100, retries });
const failed = (statusCode: number | undefined, body = '', retries = 0): WriteOutcome => ({
  kind: 'failed',
  error: statusCode === undefined ? new Error('ECONNRESET') : { statusCode, body, message: body },
  retries,
  latencyMs: 7,
  at: 90,
});
/** An InfluxDB answer as its client's HttpError holds it: the JSON body, raw and parsed; the message. */
const influxAnswer = (statusCode: number, error: string): WriteOutcome => {
  const body = JSON.stringify({ error });
  return {
    kind: 'failed',
    error: { statusCode, body, json: { error }, message: `${statusCode} Bad Request : ${body}` },
    retries: 0,
    latencyMs: 7,
    at: 90,
  };
};
const queueLines = (queue: readonly Job[]): string[][] => queue.map((j) => chunkLines(j.chunk));

describe('deliveryStep: the delivery policy', () => {
  it('starts a chunk as one job, and finishes a job that was written', () => {
    const start = startDelivery(encodeChunk(lines(0, 2)));
    expect([queueLines(start.queue), start.events]).toEqual([[lines(0, 2)], []]);
    const step = deliveryStep([job(lines(0, 2)), job(lines(2, 1))], written(2), false);
    expect(queueLines(step.queue)).toEqual([lines(2, 1)]);
    expect(step.events).toEqual([
      { type: 'points-retried', points: 4 },
      { type: 'batch-written', points: 2, latencyMs: 12, at: 100 },
    ]);
    expect(step.putBack).toBeUndefined();
  });

  it('413: splits the job in halves ahead of the rest; a single point still too large is rejected', () => {
    const split = deliveryStep([job(lines(0, 5)), job(lines(5, 1))], failed(413), false);
    expect(queueLines(split.queue)).toEqual([lines(0, 3), lines(3, 2), lines(5, 1)]);
    expect(split.events).toEqual([{ type: 'batch-split', points: 5 }]);
    const alone = deliveryStep([job(lines(0, 1))], failed(413, 'too large'), false);
    expect([alone.queue, alone.events]).toEqual([[], [{ type: 'points-rejected', points: 1, reason: 'too large' }]]);
  });

  it('a remote-write 4xx is rejected; 401 / 403 / 404 (the target refused) say so, a 400 does not', () => {
    const rejected = (statusCode: number): WriteOutcome => ({
      kind: 'failed',
      error: { statusCode, rejected: true, message: `HTTP ${statusCode}` },
      retries: 0,
      latencyMs: 7,
      at: 90,
    });
    const refusedOf = (statusCode: number) => deliveryStep([job(lines(0, 2))], rejected(statusCode), false).events;
    for (const status of [401, 403, 404])
      expect(refusedOf(status)).toEqual([
        { type: 'points-rejected', points: 2, reason: `HTTP ${status}`, refused: true },
      ]);
    expect(refusedOf(400)).toEqual([{ type: 'points-rejected', points: 2, reason: 'HTTP 400' }]);
  });

  it('400 / 422: rejects the named lines and tries the rest once more; all, none named, or a last chance: rejects the job', () => {
    const [a, b, c] = lines(0, 3);
    const partial = deliveryStep([job([a!, b!, c!])], failed(400, `unable to parse '${b}': bad`), false);
    expect(queueLines(partial.queue)).toEqual([[a, c]]);
    expect(partial.queue[0]?.lastChance).toBe(true);
    expect(partial.events).toEqual([{ type: 'points-rejected', points: 1, reason: `unable to parse '${b}': bad` }]);
    const unnamed = deliveryStep([job([a!, b!])], failed(422, 'beyond retention'), false);
    expect([unnamed.queue, unnamed.events]).toEqual([
      [],
      [{ type: 'points-rejected', points: 2, reason: 'beyond retention' }],
    ]);
    const again = deliveryStep([job([a!, c!], true)], failed(400, `unable to parse '${a}'`), false);
    expect(again.events).toEqual([{ type: 'points-rejected', points: 2, reason: `unable to parse '${a}'` }]);
  });

  it('a line the chunk holds twice counts twice, however often the answer names it', () => {
    const [a, b, c] = lines(0, 3);
    const named = `unable to parse '${b}': bad\nunable to parse '${b}': bad`;
    const step = deliveryStep([job([a!, b!, b!, c!])], failed(400, named), false);
    expect(queueLines(step.queue)).toEqual([[a, c]]);
    expect(step.events).toEqual([{ type: 'points-rejected', points: 2, reason: named }]);
  });

  it('a partial write (InfluxDB 1.x 400, 2.x 422, dropped=N): N rejected, the rest written, nothing tried again', () => {
    const conflict =
      'partial write: field type conflict: input field "f" on measurement "m" is type string, already exists as type integer dropped=2';
    for (const [status, reason] of [
      [400, conflict],
      [422, `failure writing points to database: ${conflict}`],
    ] as const) {
      const step = deliveryStep([job(lines(0, 5)), job(lines(5, 1))], influxAnswer(status, reason), false);
      expect(queueLines(step.queue)).toEqual([lines(5, 1)]);
      expect(step.events).toEqual([
        { type: 'points-rejected', points: 2, reason: `${status} Bad Request : ${JSON.stringify({ error: reason })}` },
        { type: 'batch-written', points: 3, latencyMs: 7, at: 90 },
      ]);
    }
    // every point dropped: nothing written
    const all = deliveryStep([job(lines(0, 2))], influxAnswer(400, 'partial write: x dropped=2'), false);
    expect(all.events).toEqual([
      { type: 'points-rejected', points: 2, reason: '400 Bad Request : {"error":"partial write: x dropped=2"}' },
    ]);
  });

  it('InfluxDB 1.x: lines it could not parse, named beside dropped=0 (each time it meets one), are rejected; the rest written', () => {
    const [a, c] = lines(0, 2);
    const bad = 'bad,x=1\\ f=1 1'; // JSON-escaped in the body: found in its parsed form
    const answer = `partial write: unable to parse '${bad}': invalid field format\nunable to parse '${bad}': invalid field format dropped=0`;
    const step = deliveryStep([job([a!, bad, bad, c!])], influxAnswer(400, answer), false);
    expect(step.queue).toEqual([]);
    expect(step.events).toEqual([
      { type: 'points-rejected', points: 2, reason: expect.stringContaining('partial write: unable to parse') },
      { type: 'batch-written', points: 2, latencyMs: 7, at: 90 },
    ]);
  });

  it('every point of a chunk is counted once: written, rejected or put back (fast-check)', () => {
    const answer = fc.record({
      status: fc.constantFrom(400, 422),
      named: fc.array(fc.nat(9)),
      partial: fc.option(fc.nat(9), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(fc.nat(9), { minLength: 1, maxLength: 10 }), answer, (picks, { status, named, partial }) => {
        const body = picks.map((n) => `m v=${n}i`);
        const message = [
          partial === undefined ? '' : 'partial write: ',
          ...named.map((n) => `unable to parse 'm v=${n}i': bad\n`),
          partial === undefined ? '' : ` dropped=${Math.min(partial, picks.length)}`,
        ].join('');
        // the first answer as drawn, every later write succeeds
        let step = deliveryStep([job(body)], influxAnswer(status, message), false);
        const events = [...step.events];
        while (step.queue.length > 0) {
          step = deliveryStep(step.queue, written(), false);
          events.push(...step.events);
        }
        const sum = (type: string): number =>
          events.filter((e) => e.type === type).reduce((n, e) => n + (e as { points: number }).points, 0);
        expect(sum('points-rejected') + sum('batch-written')).toBe(picks.length);
      }),
    );
  });

  it('401 / 403 / 404 or retries spent: puts back everything left on the chunk, as one, in order', () => {
    for (const outcome of [failed(401, 'unauthorized'), failed(503, 'unavailable', 3), failed(undefined, '', 3)]) {
      const step = deliveryStep([job(lines(0, 2)), job(lines(2, 3))], outcome, false);
      expect(step.queue).toEqual([]);
      expect(chunkLines(step.putBack!)).toEqual(lines(0, 5));
      expect(step.events.find((e) => e.type === 'batch-failed')).toMatchObject({ points: 5 });
    }
    expect(deliveryStep([job(lines(0, 1))], failed(404, 'bucket not found'), false).events).toEqual([
      { type: 'batch-failed', points: 1, reason: 'bucket not found', refused: true },
    ]);
    expect(deliveryStep([job(lines(0, 1))], failed(500, 'oops', 1), false).events).toEqual([
      { type: 'points-retried', points: 1 },
      { type: 'batch-failed', points: 1, reason: 'oops', refused: false },
    ]);
  });

  it('keeps the gzip of the sink when it re-encodes', () => {
    const many = lines(0, 400); // over 1 kB a half
    const split = deliveryStep([job(many)], failed(413), true);
    expect(split.queue.map((j) => j.chunk.gzip)).toEqual([true, true]);
    expect(split.queue.flatMap((j) => chunkLines(j.chunk))).toEqual(many);
  });
});
