import { type Server, createServer } from 'node:http';
import { type OperatorFunction, from, lastValueFrom, mergeMap, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteWriteLines } from '../../src/app/remoteWritePoints.js';
import { decodeRemoteWriteBody } from '../../src/deliver/remoteWriteRequest.js';
import type { Point } from '../../src/model/point.js';
import type { DeliveryEvent } from '../../src/model/telemetry.js';
import { captureLogger } from '../support/captureLogger.js';
import { memoryRemoteWriteSink, remoteWriteUrlOf, threeCpuPoints } from '../support/loopbackWrite.js';

// A line the reader cannot read (a spool of a form it does not know, a hand-made or damaged one)
// was skipped without a word: its batch's request went without it (empty if no line read), the
// 2xx counted every line as written, and nothing was logged. A downgrade or a change of form
// loses a whole spool that way unseen (the review of f05c136; f05c136's own lines after a410efa).

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A loopback remote-write receiver answering 204: the bodies it got. */
async function receiver(): Promise<{ url: string; bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  server = createServer((req, res) => {
    const pieces: Buffer[] = [];
    req.on('data', (p: Buffer) => pieces.push(p));
    req.on('end', () => {
      bodies.push(Buffer.concat(pieces));
      res.writeHead(204).end();
    });
  });
  return { url: await remoteWriteUrlOf(server), bodies };
}

const points = threeCpuPoints;

/** The remote_write sink as sinksFor makes it, its lines as `encode` makes them. */
async function deliver(url: string, encode: OperatorFunction<Point, string>) {
  const log = captureLogger();
  const sink = memoryRemoteWriteSink(url, log, { encode });
  const events = await lastValueFrom(sink.deliver(from(points)).pipe(toArray()));
  return { events, log };
}

const count = (events: DeliveryEvent[], type: 'batch-written' | 'points-rejected'): number =>
  events.reduce((n, e) => n + (e.type === type ? e.points : 0), 0);

describe('remote write: sample lines that do not read', () => {
  it('are counted as rejected and logged, not as written; the others are sent', async () => {
    const { url, bodies } = await receiver();
    const withDamaged: OperatorFunction<Point, string> = (points$) =>
      points$.pipe(
        remoteWriteLines(),
        mergeMap((line) => [line, '[1,["damaged"']),
      );
    const { events, log } = await deliver(url, withDamaged);
    expect(bodies.flatMap((b) => decodeRemoteWriteBody(b)).flatMap((s) => s.samples)).toHaveLength(3);
    expect(count(events, 'batch-written')).toBe(3);
    expect(count(events, 'points-rejected')).toBe(3);
    expect(log.entries.some((e) => e.msg === 'the database rejected points')).toBe(true);
  });

  it('a batch of which no line reads: all rejected, none written', async () => {
    const { url } = await receiver();
    const unknown: OperatorFunction<Point, string> = (points$) =>
      points$.pipe(
        remoteWriteLines(),
        mergeMap((line) => [`v9|${line}`]),
      );
    const { events } = await deliver(url, unknown);
    expect(count(events, 'batch-written')).toBe(0);
    expect(count(events, 'points-rejected')).toBe(3);
  });
});
