import { Observable } from 'rxjs';
import { rawBody } from '../model/chunk.js';
import type { LineSink } from './sink.js';

/**
 * A sink that writes line protocol to a stream (stdout, or a file opened for appending), so that
 * `docker-stats-service | head` shows points. A write completes once the stream took the bytes,
 * which gives the same backpressure as a database that answers.
 */
export function streamSink(stream: NodeJS.WritableStream, description: string): LineSink {
  return {
    description,
    gzip: false,
    write: (chunk) =>
      new Observable<void>((subscriber) => {
        stream.write(rawBody(chunk), (error) => {
          if (error) return subscriber.error(error);
          subscriber.next();
          subscriber.complete();
        });
      }),
    close: () => undefined,
  };
}
