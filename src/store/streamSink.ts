import { rawBody } from '../batch/chunk.js';
import type { LineSink } from './influxSink.js';

/**
 * A sink that writes line protocol to a stream (stdout, or a file opened for appending), so that
 * `docker-stats-service | head` shows points. A write resolves once the stream took the bytes,
 * which gives the same backpressure as a database that answers.
 */
export function streamSink(stream: NodeJS.WritableStream, description: string): LineSink {
  return {
    description,
    gzip: false,
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        stream.write(rawBody(chunk), (error) => (error ? reject(error) : resolve()));
      }),
    close: () => undefined,
  };
}
