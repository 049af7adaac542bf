import { type Chunk, chunkLines, encodeChunk } from '../model/chunk.js';
import type { DeliveryEvent } from '../model/telemetry.js';
import {
  classifyWriteFailure,
  namedBadLines,
  partialWriteDropped,
  refusesTarget,
  serverMessage,
} from './writeFailure.js';

/** A chunk to write; `lastChance`: what remained after the server named bad lines, tried once more. */
export interface Job {
  readonly chunk: Chunk;
  readonly lastChance: boolean;
}

/** How one job's write ended, after its retries (the time of its last attempt). */
export type WriteOutcome =
  | { readonly kind: 'written'; readonly latencyMs: number; readonly at: number; readonly retries: number }
  | {
      readonly kind: 'failed';
      readonly error: unknown;
      readonly retries: number;
      readonly latencyMs: number;
      readonly at: number;
    };

/** The work left on one chunk taken from the buffer, and what to tell about the last write. */
export interface DeliveryStep {
  /** Jobs still to write, in order (the halves of a split, what a partial rejection left). */
  readonly queue: readonly Job[];
  readonly events: readonly DeliveryEvent[];
  /** Set when the chunk cannot be written now: all that was left, for the front of the buffer. */
  readonly putBack?: Chunk;
}

/** The first step of a chunk taken from the buffer: one job, nothing to tell yet. */
export const startDelivery = (chunk: Chunk): DeliveryStep => ({ queue: [{ chunk, lastChance: false }], events: [] });

const retried = (outcome: WriteOutcome, points: number): DeliveryEvent[] =>
  outcome.retries > 0 ? [{ type: 'points-retried', points: points * outcome.retries }] : [];

function halves(chunk: Chunk, gzip: boolean): [Job, Job] {
  const lines = chunkLines(chunk);
  const middle = Math.ceil(lines.length / 2);
  return [
    { chunk: encodeChunk(lines.slice(0, middle), gzip), lastChance: false },
    { chunk: encodeChunk(lines.slice(middle), gzip), lastChance: false },
  ];
}

/** The jobs' chunks as one, in order (what goes back to the buffer). */
function joined(jobs: readonly Job[], gzip: boolean): Chunk {
  if (jobs.length === 1) return jobs[0]!.chunk;
  return encodeChunk(
    jobs.flatMap((job) => chunkLines(job.chunk)),
    gzip,
  );
}

/**
 * The delivery policy, pure: given the jobs left on a chunk and how the first one's write ended,
 * the jobs that remain and what to tell.
 *
 * - written: the job is done;
 * - 413 (too large): the job splits in halves, down to single points; one point alone still too
 *   large is rejected;
 * - 400 / 422, a partial write (`dropped=N`): the server wrote the rest, so N points and the
 *   lines it names are rejected, the others written, nothing tried again;
 * - 400 / 422 otherwise: the lines the server names are rejected and the rest tried once more
 *   (then rejected whole); naming nothing, or everything, rejects the whole job;
 * - 401 / 403 / 404, or transient failures after every retry: everything left goes back to the
 *   front of the buffer (`putBack`), to be tried at the next flush.
 */
export function deliveryStep(queue: readonly Job[], outcome: WriteOutcome, gzip: boolean): DeliveryStep {
  const [job, ...rest] = queue;
  if (!job) return { queue: [], events: [] };
  const { points } = job.chunk;
  if (outcome.kind === 'written') {
    const written: DeliveryEvent = { type: 'batch-written', points, latencyMs: outcome.latencyMs, at: outcome.at };
    return { queue: rest, events: [...retried(outcome, points), written] };
  }
  const kind = classifyWriteFailure(outcome.error);
  const reason = serverMessage(outcome.error);
  const events = retried(outcome, points);
  if (kind === 'too-large' && points > 1) {
    return { queue: [...halves(job.chunk, gzip), ...rest], events: [...events, { type: 'batch-split', points }] };
  }
  const dropped = kind === 'rejected' ? partialWriteDropped(outcome.error) : undefined;
  if (dropped !== undefined) {
    return { queue: rest, events: [...events, ...partialWrite(job, dropped, outcome)] };
  }
  if (kind === 'too-large' || kind === 'rejected') {
    const lines = kind === 'rejected' && !job.lastChance ? chunkLines(job.chunk) : [];
    const bad = namedBadLines(outcome.error, lines);
    // Each line counts once: a line the chunk holds twice, once per copy; named twice, once.
    const good = lines.filter((line) => !bad.has(line));
    if (bad.size === 0 || good.length === 0) {
      const rejected: DeliveryEvent = refusesTarget(outcome.error)
        ? { type: 'points-rejected', points, reason, refused: true }
        : { type: 'points-rejected', points, reason };
      return { queue: rest, events: [...events, rejected] };
    }
    const again: Job = { chunk: encodeChunk(good, gzip), lastChance: true };
    return {
      queue: [again, ...rest],
      events: [...events, { type: 'points-rejected', points: points - good.length, reason }],
    };
  }
  const putBack = joined(queue, gzip);
  const failed: DeliveryEvent = { type: 'batch-failed', points: putBack.points, reason, refused: kind === 'refused' };
  return { queue: [], events: [...events, failed], putBack };
}

/**
 * A partial write's events: `dropped` points and the lines the server names rejected (InfluxDB
 * 1.x names the lines it could not parse, and leaves them out of `dropped`), the others written.
 * (A batch with both a type conflict and a line 1.x cannot parse gets only the conflict's
 * message: that line counts as written, as nothing tells it apart.)
 */
function partialWrite(job: Job, dropped: number, outcome: WriteOutcome & { kind: 'failed' }): DeliveryEvent[] {
  const { points } = job.chunk;
  const lines = chunkLines(job.chunk);
  const bad = namedBadLines(outcome.error, lines);
  const rejected = Math.min(points, dropped + lines.filter((line) => bad.has(line)).length);
  const reason = serverMessage(outcome.error);
  return [
    ...(rejected > 0 ? [{ type: 'points-rejected', points: rejected, reason } as const] : []),
    ...(rejected < points
      ? [{ type: 'batch-written', points: points - rejected, latencyMs: outcome.latencyMs, at: outcome.at } as const]
      : []),
  ];
}
