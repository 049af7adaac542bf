import { writeSync } from 'node:fs';
import { type Logger as Pino, pino } from 'pino';
import { LOG_REDACT_PATHS } from '../config/secrets.js';

/**
 * Where the daemon's log lines go: stderr, written at once, and never an error. A log write that
 * fails (EPIPE when whoever read stderr went away, EBADF when it was closed, EAGAIN when it is
 * full) is dropped: a log line must never stand between a signal and the flush of what is
 * buffered. Synchronous, because the daemon logs a few lines a minute at most, and a line
 * written before `process.exit` must not wait in a buffer.
 */
export function writeStderr(line: string): void {
  try {
    writeSync(2, line);
  } catch {
    // dropped: see above
  }
}

const stderr = { write: writeStderr };

/** The daemon's pino logger: readable on a terminal, JSON lines otherwise; secrets redacted. */
export function daemonLogger(level: string, pretty: boolean): Pino {
  const options = { level, redact: { paths: [...LOG_REDACT_PATHS], censor: '***' } };
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2 } } });
  return pino(options, stderr);
}
