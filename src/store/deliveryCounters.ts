import type { FlushReason } from '../batch/batch.js';

/**
 * What delivery did, counted: the daemon exposes these on /metrics. Plain numbers, so the core
 * stays free of any metrics library.
 */
export class DeliveryCounters {
  pointsWritten = 0;
  pointsRejected = 0;
  pointsDropped = 0;
  pointsRetried = 0;
  batchesWritten = 0;
  batchesFailed = 0;
  readonly flushes: Record<FlushReason, number> = { size: 0, time: 0, manual: 0, final: 0 };
  writeLatencyMsSum = 0;
  writeLatencyMsLast = 0;
  /** When the last write succeeded (scheduler time), for health checks. */
  lastSuccessAt: number | undefined;
  /** Set while writes keep failing: the failure kind and message. */
  failing: string | undefined;
}
