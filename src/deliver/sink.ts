import type { Observable } from 'rxjs';
import type { Chunk } from '../model/chunk.js';

/**
 * Where batches of line protocol go: the contract between delivery and a database adapter
 * (`influxSink`) or a stream (`streamSink`).
 */
export interface LineSink {
  /** For logs and errors: the URL, org and bucket (never the token), or the stream's name. */
  readonly description: string;
  /** Whether chunks for this sink are to be gzipped (`batchLines({ gzip })`). */
  readonly gzip: boolean;
  /**
   * One write attempt per subscription: emits once and completes when the sink has taken the
   * chunk; errors with what failed (for HTTP: `statusCode`, `headers`, `body`). Unsubscribing
   * cancels the request.
   */
  write(chunk: Chunk): Observable<void>;
  close(): void;
}
