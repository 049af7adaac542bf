import { type Observable as ObservableType, Observable } from 'rxjs';
import { lineFramer } from './lineFramer.js';
import { pauseReading } from './pauseReading.js';

/** What `readLines` tells about a byte stream: each line, then its end or an error. */
export interface LineHandlers {
  line(line: string): void;
  end(): void;
  error(error: unknown): void;
}

/**
 * Reads a byte stream's newline-delimited lines into `handlers`; the returned function stops
 * reading and destroys the stream. The callback form of `frameLines`, for the per-container
 * stats stream, where one Observable fewer per container is worth a few MB at 10,000 containers.
 */
export function readLines(
  source: NodeJS.ReadableStream,
  handlers: LineHandlers,
  paused$?: ObservableType<boolean>,
): () => void {
  const framer = lineFramer(handlers.line);
  const onData = (chunk: Buffer | string): void => {
    try {
      framer.push(chunk);
    } catch (error) {
      handlers.error(error);
    }
  };
  const onEnd = (): void => {
    framer.end();
    handlers.end();
  };
  source.on('data', onData).on('error', handlers.error).on('end', onEnd);
  const pausing = paused$?.subscribe((paused) => pauseReading(source, paused));
  return () => {
    pausing?.unsubscribe();
    source.off('data', onData).off('error', handlers.error).off('end', onEnd);
    (source as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  };
}

/**
 * Frames a byte stream (an HTTP body from the engine) into its newline-delimited records,
 * whatever the chunk boundaries. Empty lines are dropped. Unsubscribing destroys the source
 * stream, which closes the HTTP connection under it. While `paused$` says true the source is
 * paused, down to its socket (`pauseReading`), which holds the engine back (backpressure) instead
 * of piling records up here.
 *
 * ```
 * chunks: --'{"a":1}\n{"b'--'":2}\n'--|
 * result: --'{"a":1}'------'{"b":2}'--|
 * ```
 */
export function frameLines(source: NodeJS.ReadableStream, paused$?: ObservableType<boolean>): Observable<string> {
  return new Observable<string>((subscriber) =>
    readLines(
      source,
      {
        line: (line) => subscriber.next(line),
        end: () => subscriber.complete(),
        error: (error) => subscriber.error(error),
      },
      paused$,
    ),
  );
}
