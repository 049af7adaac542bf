import { from, lastValueFrom, toArray } from 'rxjs';
import { remoteWriteLines } from '../src/app/remoteWritePoints.js';
import { remoteWriteBody } from '../src/deliver/remoteWriteRequest.js';
import { toLineProtocol } from '../src/encode/toLineProtocol.js';
import { chunkWriter } from '../src/model/chunk.js';
import type { Point } from '../src/model/point.js';
import { toPoints } from '../src/transform/toPoints.js';
import { decodeStats } from '../src/validate/decodeStats.js';
import { fixtureLines } from '../test/support/fixtures.js';
import { fmt } from './measure.js';

/** `n` containers' points, `seconds` of them, a second apart: the real records, a tag object per container. */
export async function containerSeconds(n: number, seconds: number): Promise<Point[][]> {
  const records = fixtureLines('stream-busy-cgroupv1.ndjson');
  const perSecond: Point[][] = Array.from({ length: seconds }, () => []);
  for (let c = 0; c < n; c++) {
    const id = c.toString(16).padStart(64, 'a');
    const container = { id, name: `bench-${c}`, image: 'local/busybox', labels: { 'com.example.team': 'bench' } };
    const lines = Array.from({ length: seconds }, (_, s) => ({ container, line: records[s % records.length]! }));
    const points = await lastValueFrom(from(lines).pipe(decodeStats(), toPoints(), toArray()));
    // Timestamps a second apart from now, whatever the fixture's.
    const base = BigInt(Date.now()) * 1_000_000n;
    const perRecord = points.length / seconds;
    points.forEach((p, i) => {
      const s = Math.floor(i / perRecord);
      perSecond[s]!.push({ ...p, timestamp: String(base + BigInt(s) * 1_000_000_000n) });
    });
  }
  return perSecond;
}

/** CPU ms of one call. */
function cpuMs(run: () => void): number {
  const t0 = process.cpuUsage();
  run();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/**
 * The encoding alone, in this process: `n` containers' real points (the captured records), a
 * second of them a batch, through line protocol (toLineProtocol, gzipped chunk) and through
 * remote write (staleMarkers, sampleLine, chunk, WriteRequest, snappy), CPU ms each, `rounds` times.
 */
export async function remoteWriteEncodeBench(n = 100, seconds = 60, rounds = 5): Promise<void> {
  const batches = await containerSeconds(n, seconds);
  const points = batches.reduce((a, b) => a + b.length, 0);
  let sink = 0;
  const lineProtocol = (): void => {
    for (const batch of batches) {
      const writer = chunkWriter(true);
      for (const p of batch) {
        const line = toLineProtocol(p);
        if (line !== undefined) writer.add(line);
      }
      sink += writer.take().body.length;
    }
  };
  const remoteWrite = (): void => {
    // Points -> sample lines (stale markers, sampleLine) in one pass, then a chunk and a body a
    // second, as a 1 s flush makes them.
    const lines: string[] = [];
    from(batches.flat())
      .pipe(remoteWriteLines())
      .subscribe((line) => lines.push(line));
    const writer = chunkWriter(false);
    let i = 0;
    for (const batch of batches) {
      for (let k = 0; k < batch.length && i < lines.length; k++) writer.add(lines[i++]!);
      sink += remoteWriteBody(writer.take()).length;
    }
  };
  console.log(`remote write encode: ${n} containers x ${seconds} s, ${points} points`);
  for (let r = 0; r < rounds; r++) {
    const lp = cpuMs(lineProtocol);
    const rw = cpuMs(remoteWrite);
    console.log(
      `  line protocol ${fmt(lp, 1)} ms, remote write ${fmt(rw, 1)} ms (${fmt(rw / lp)}x), µs/point ${fmt((lp * 1000) / points)} / ${fmt((rw * 1000) / points)}`,
    );
  }
  if (sink === 0) throw new Error('nothing encoded');
}
