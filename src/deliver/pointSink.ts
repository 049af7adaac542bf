import type { Observable, SchedulerLike } from 'rxjs';
import type { Point } from '../model/point.js';
import type { DeliveryEvent } from '../model/telemetry.js';

/** What the pipeline tells a sink besides its points. */
export interface SinkControls {
  /** Write what is waiting now (SIGUSR1): a batch is sealed, and what waits in the buffer is retried. */
  readonly flush$?: Observable<unknown>;
}

/**
 * Where points go: the contract between the pipeline and a database or stream. A sink owns its
 * encoding, batching, buffer (or spool) and retries, so that several can run side by side, each
 * at its own pace, and one that encodes otherwise (Prometheus remote write) plugs in beside the
 * line-protocol ones.
 */
export interface PointSink {
  /** Its `sink` label on delivery metrics and events (`influxdb`, `stdout`, `file`): unique among running sinks. */
  readonly name: string;
  /** For logs: the URL, org and bucket (never a token or password), or the stream's name. */
  readonly description: string;
  /**
   * Delivers `points$`: what it holds (connections, files, the spool) is taken on subscription
   * and let go on unsubscribe or completion. Emits what happened as delivery events, each
   * naming this sink; completes after `points$` completes and what is buffered is written (or
   * given up after its retries), with a `sink-closed` event last.
   *
   * ```
   * points$: --p-p-p-----p--|
   * result:  ----a-W-----a--W(c|)     (a: batch-accepted, W: batch-written, c: sink-closed)
   * ```
   */
  deliver(points$: Observable<Point>, controls?: SinkControls, scheduler?: SchedulerLike): Observable<DeliveryEvent>;
  /**
   * A sink read rather than written (`prometheusSink`): its series in the Prometheus text format
   * (UTF-8), served on /metrics beside the daemon's own at each scrape. The bytes may be a view
   * of a buffer the sink writes again at a later render, once told they were sent (`released`).
   */
  render?(): Buffer;
  /** The bytes of a `render` are sent (or will never be): their buffer may be written again. */
  released?(text: Buffer): void;
}

/** The series of the sinks read at scrape time, and what to call once they are sent. */
export interface Exposition {
  readonly text: Buffer;
  release(): void;
}
