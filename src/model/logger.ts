/**
 * The logging surface every stage takes: the subset of pino's Logger the pipeline calls.
 * Library users can pass their own pino instance (or anything shaped like it); the default
 * is silent so that embedding the Observables prints nothing unasked.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
