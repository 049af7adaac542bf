/** Why a batch was emitted: the flush counters keep one count per reason. */
export type FlushReason = 'size' | 'time' | 'manual' | 'final';

/**
 * Why points were dropped: the memory buffer was full (MAX_BUFFER_SIZE), the spool was full
 * (MAX_SPOOL_SIZE), the disk refused them and memory was full too, or their spool record was
 * damaged when read back.
 */
export type DropReason = 'buffer_full' | 'spool_full' | 'disk_error' | 'corrupt';
export const DROP_REASONS: readonly DropReason[] = ['buffer_full', 'spool_full', 'disk_error', 'corrupt'];

/** What the spool does on disk that can fail: appending records (and acks), and making them durable. */
export type SpoolOperation = 'append' | 'sync' | 'read';

/**
 * What the delivery stage tells about the batches it takes in and writes. `sink`: the sink's
 * name (`influxdb`, `stdout`, `file`), set by the point sink that delivered it (`deliver`); the
 * delivery driver itself (`writeBatches`) knows no names and leaves it out.
 */
export type DeliveryEvent = DeliveryFact & { readonly sink?: string };

/** A delivery event without the sink that told it. */
export type DeliveryFact =
  | { readonly type: 'batch-accepted'; readonly reason: FlushReason; readonly points: number }
  | { readonly type: 'batch-written'; readonly points: number; readonly latencyMs: number; readonly at: number }
  /** A batch that could not be written now went back to the buffer; `refused`: 401/403/404. */
  | { readonly type: 'batch-failed'; readonly points: number; readonly reason: string; readonly refused: boolean }
  | { readonly type: 'batch-split'; readonly points: number }
  /** Points the server will not take; `refused`: it refuses the target itself (401/403/404), not them. */
  | { readonly type: 'points-rejected'; readonly points: number; readonly reason: string; readonly refused?: boolean }
  | { readonly type: 'points-retried'; readonly points: number }
  | { readonly type: 'points-dropped'; readonly points: number; readonly reason: DropReason }
  /** The buffer's points and bytes, and the points taken from it that are being written (`inFlight`). */
  | { readonly type: 'buffer-level'; readonly points: number; readonly bytes: number; readonly inFlight: number }
  /** The disk spool at start-up: points a previous run left, to be sent first, and damaged records skipped. */
  | { readonly type: 'spool-opened'; readonly points: number; readonly corrupt: number }
  /** A spool record damaged on disk since it was written (its points are dropped, reason `corrupt`). */
  | { readonly type: 'spool-corrupt'; readonly records: number }
  /** The disk refused the spool (`code`: ENOSPC, EROFS, EIO, short write): told once an episode. */
  | { readonly type: 'spool-fault'; readonly operation: SpoolOperation; readonly code: string }
  | { readonly type: 'spool-recovered'; readonly operation: SpoolOperation }
  /** The buffer turned full (`BUFFER_POLICY=block`: the sources pause) or has room again. */
  | { readonly type: 'buffer-pressure'; readonly full: boolean }
  /**
   * The sink let go of its buffer after its points ended: `points` left in it (a spool keeps them
   * for the next start), `lost` of those only in memory because the spool's disk refused them.
   */
  | { readonly type: 'sink-closed'; readonly points: number; readonly lost: number };

/** What the sources tell about engines and container streams. */
export type SourceEvent =
  /** Before the engine's first `engine-up`: where its stats come from (STATS_SOURCE, and what that means for it). */
  | {
      readonly type: 'engine-described';
      readonly engine: string;
      readonly statsSource: string;
      readonly readsFrom: string;
    }
  /** `product`: `Docker 20.10.24` or `Podman 4.3.1`, when the engine told it. */
  | { readonly type: 'engine-up'; readonly engine: string; readonly watched: number; readonly product?: string }
  | { readonly type: 'engine-down'; readonly engine: string; readonly reason: string }
  /** `source`: how this container's stats are read (`api`, `cgroup`). */
  | { readonly type: 'stream-opened'; readonly engine: string; readonly source: string; readonly container: string }
  | { readonly type: 'stream-closed'; readonly engine: string; readonly source: string };

/**
 * What validation and transform tell about the records that pass through them: one event per
 * record (a record that decodes is transformed, so its transform tells for both).
 */
export type RecordEvent =
  | { readonly type: 'record-refused'; readonly container: string; readonly reason: string }
  | { readonly type: 'record-transformed'; readonly points: number }
  /** A container's lifecycle status made into its `container` point (0 when field selection left it empty). */
  | { readonly type: 'status-transformed'; readonly points: number }
  /** The pipeline's own `internal` point (INTERNAL_METRICS), made: collected like any other. */
  | { readonly type: 'internal-point' }
  /** An alert notice made into its `alert` point: collected like any other. */
  | { readonly type: 'alert-point' };

/**
 * The pipeline's telemetry: each stage reports what happened as one of these, and the service
 * folds them into one state (telemetry/telemetryState.ts) that /metrics, /healthz and the
 * `internal` measurement read.
 */
export type TelemetryEvent = SourceEvent | RecordEvent | DeliveryEvent;

/** Where a stage reports its events: an Observer, such as a Subject, or nothing. */
export interface TelemetrySink {
  next(event: TelemetryEvent): void;
}

export const noTelemetry: TelemetrySink = { next: () => undefined };
