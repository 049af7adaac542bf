import { type Observable as ObservableType, Observable } from 'rxjs';
import split2 from 'split2';

/**
 * Frames a byte stream (an HTTP body from the engine) into its newline-delimited records,
 * whatever the chunk boundaries, with split2. Empty lines are dropped. Unsubscribing destroys
 * the source stream, which closes the HTTP connection under it. While `paused$` says true the
 * lines are not read: split2's buffer fills and Node's pipe stops reading the socket, which
 * holds the engine back (backpressure) instead of piling records up here.
 *
 * ```
 * chunks: --'{"a":1}\n{"b'--'":2}\n'--|
 * result: --'{"a":1}'------'{"b":2}'--|
 * ```
 */
export function frameLines(source: NodeJS.ReadableStream, paused$?: ObservableType<boolean>): Observable<string> {
  return new Observable<string>((subscriber) => {
    const lines = split2();
    const onData = (line: string): void => {
      if (line.length > 0) subscriber.next(line);
    };
    const onError = (error: unknown): void => subscriber.error(error);
    const onEnd = (): void => subscriber.complete();
    lines.on('data', onData).on('error', onError).on('end', onEnd);
    source.on('error', onError);
    source.pipe(lines);
    const pausing = paused$?.subscribe((paused) => (paused ? lines.pause() : lines.resume()));
    return () => {
      pausing?.unsubscribe();
      lines.off('data', onData).off('error', onError).off('end', onEnd);
      source.off('error', onError);
      source.unpipe(lines);
      lines.destroy();
      (source as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    };
  });
}
