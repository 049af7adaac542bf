import type { OperatorFunction } from 'rxjs';
import { accessSync, constants, createWriteStream, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/keys.js';
import { parseHeaders } from '../config/inputCodecs.js';
import { ConfigError } from '../config/resolveConfig.js';
import type { DeliveryBuffer } from '../deliver/deliveryBuffer.js';
import { type InfluxTarget, endpoint, influxSink } from '../deliver/influxSink.js';
import { PointBuffer } from '../deliver/pointBuffer.js';
import type { PointSink } from '../deliver/pointSink.js';
import { prometheusSink } from '../deliver/prometheusSink.js';
import type { LineSink } from '../deliver/sink.js';
import { SpoolBuffer } from '../deliver/spool/spoolBuffer.js';
import { listSegments } from '../deliver/spool/segmentFiles.js';
import { moveRootSegments } from '../deliver/spool/spoolMigration.js';
import { streamSink } from '../deliver/streamSink.js';
import { type RemoteWriteTarget, remoteWriteDescription, remoteWriteSink } from '../deliver/remoteWriteSink.js';
import type { Point } from '../model/point.js';
import { type Logger, silentLogger } from '../model/logger.js';
import { lineProtocolSink } from './lineProtocolSink.js';
import { remoteWriteLines } from './remoteWritePoints.js';

/** SPOOL_DIR cannot be used: names the folder and why. */
export class SpoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpoolError';
  }
}

/** Where a sink's line protocol goes, before anything is opened. */
interface LineTarget {
  readonly name: string;
  readonly description: string;
  readonly open: () => LineSink;
  /** Points -> lines (default: line protocol). */
  readonly encode?: OperatorFunction<Point, string>;
}

function influxTarget(config: Config): InfluxTarget {
  return {
    url: config.influxUrl!,
    org: config.influxOrg,
    bucket: config.influxBucket,
    compression: config.compression,
    ...(config.influxToken ? { token: config.influxToken } : {}),
    ...(config.influxDb
      ? {
          v1: {
            db: config.influxDb,
            ...(config.influxRetentionPolicy ? { retentionPolicy: config.influxRetentionPolicy } : {}),
            ...(config.influxUsername !== undefined ? { username: config.influxUsername } : {}),
            ...(config.influxPassword !== undefined ? { password: config.influxPassword } : {}),
          },
        }
      : {}),
  };
}

/**
 * The line-protocol targets a configuration names: InfluxDB when INFLUX_URL is set (1.x's
 * /write with INFLUX_DB), else stdout or a file (appended). One today; each has its own name.
 */
function lineTargets(config: Config): LineTarget[] {
  if (config.influxUrl) {
    const target = influxTarget(config);
    return [{ name: 'influxdb', description: endpoint(target).description, open: () => influxSink(target) }];
  }
  if (config.output === 'stdout')
    return [{ name: 'stdout', description: 'stdout', open: () => streamSink(process.stdout, 'stdout') }];
  const path = config.output.slice('file:'.length);
  const open = (): LineSink => {
    // Opened now, so that a path that cannot be opened stops the start with its name; a stream
    // opening it itself would emit the error later, unhandled, and crash the process.
    let fd: number;
    try {
      fd = openSync(path, 'a');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ConfigError(`invalid config: OUTPUT=${JSON.stringify(config.output)}: cannot open it (${code})`);
    }
    const stream = createWriteStream(path, { fd, flags: 'a' });
    // A failed write is told to its callback (the batch is retried): the event is not a crash.
    stream.on('error', () => undefined);
    // Ended when the sink lets go: what was written is flushed.
    const close = (): void => void stream.end();
    return { ...streamSink(stream, path), close };
  };
  return [{ name: 'file', description: path, open }];
}

/** REMOTE_WRITE_HEADERS as a map (resolveConfig has checked it). */
const remoteWriteHeaders = (text: string): Record<string, string> => {
  const headers = parseHeaders(text);
  return typeof headers === 'string' ? {} : headers;
};

/**
 * Prometheus remote write, beside the line-protocol target when REMOTE_WRITE_URL is set: its
 * sample lines go through a buffer (or spool folder, SPOOL_DIR/remote_write) of their own.
 */
function remoteWriteTargets(config: Config): LineTarget[] {
  if (!config.remoteWriteUrl) return [];
  const target: RemoteWriteTarget = {
    url: config.remoteWriteUrl,
    ...(config.remoteWriteUsername !== undefined ? { username: config.remoteWriteUsername } : {}),
    ...(config.remoteWritePassword !== undefined ? { password: config.remoteWritePassword } : {}),
    ...(config.remoteWriteBearerToken !== undefined ? { bearerToken: config.remoteWriteBearerToken } : {}),
    ...(config.remoteWriteHeaders ? { headers: remoteWriteHeaders(config.remoteWriteHeaders) } : {}),
  };
  return [
    {
      name: 'remote_write',
      description: remoteWriteDescription(target),
      open: () => remoteWriteSink(target),
      encode: remoteWriteLines(),
    },
  ];
}

/** SPOOL_DIR cannot be used; `folder`, when given, is the sink's folder in it that cannot. */
const spoolError = (config: Config, error: unknown, folder?: string): SpoolError => {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  const what = folder === undefined ? 'it' : folder;
  return new SpoolError(`invalid config: SPOOL_DIR=${JSON.stringify(config.spoolDir)}: cannot use ${what} (${code})`);
};

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** Logs what a spool found at its start: what the last run left, and a bound larger than its disk. */
function tellReplay(config: Config, dir: string) {
  return (buffer: DeliveryBuffer, log: Logger): void => {
    const replayed = buffer.replay;
    if (!replayed) return;
    if (replayed.points > 0 || replayed.corrupt > 0)
      log.info({ ...replayed, spoolDir: dir }, 'disk spool: sending what the last run left first');
    if (replayed.roomBytes < buffer.maxBytes)
      log.warn(
        { maxSpoolSize: buffer.maxBytes, roomBytes: replayed.roomBytes, spoolDir: dir },
        `MAX_SPOOL_SIZE (${megabytes(buffer.maxBytes)}) is more than the disk has for the spool ` +
          `(${megabytes(replayed.roomBytes)}: free space and what is spooled); when it fills, new points wait in memory ` +
          'up to MAX_BUFFER_SIZE and then the oldest are dropped',
      );
  };
}

/** The disk refuses to make a folder now (read-only, full): not a mistake of the configuration. */
const DISK_REFUSES = new Set(['EROFS', 'ENOSPC', 'EDQUOT', 'EIO']);

/** Makes `dir` (and SPOOL_DIR above it when missing): a recursive mkdir says ENOENT, not EROFS, on a read-only disk. */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') mkdirSync(dir, { recursive: true });
    else if (code !== 'EEXIST') throw error;
  }
}

/**
 * SPOOL_DIR/<sink name>, made now. When the disk refuses to make it (a read-only disk at start),
 * the first sink spools in SPOOL_DIR itself, as an earlier version did, and the spool works as
 * on any refusing disk; a later start moves those segments into the sink's folder.
 */
function spoolFolder(config: Config, root: string, name: string, first: boolean, log: Logger): string {
  const dir = join(root, name);
  try {
    makeFolder(dir);
    // A file of that name passes an access check as root (EACCES only for lack of x): say what it is.
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR' });
    accessSync(dir, constants.R_OK | constants.X_OK);
    return dir;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!first || !DISK_REFUSES.has(code) || !existsSync(root)) throw spoolError(config, error, dir);
    log.warn(
      { spoolDir: root, code },
      `SPOOL_DIR cannot make the folder of sink ${name}: spooling in SPOOL_DIR itself`,
    );
    return root;
  }
}

/**
 * Where a sink spools once an earlier version's segments in SPOOL_DIR are moved into its folder:
 * the folder; or, when the disk refuses the move (read-only now, though the folder was made by
 * an earlier start), SPOOL_DIR itself, whose log is sent from there as on any refusing disk,
 * and moved at a later start. Refusing the start would leave those points unsent.
 */
function movedInto(root: string, dir: string, name: string, log: Logger): string {
  try {
    moveRootSegments(root, dir);
    return dir;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!DISK_REFUSES.has(code) || listSegments(root).length === 0) throw error;
    log.warn(
      { spoolDir: root, code },
      `SPOOL_DIR cannot move the spool of an earlier version into the folder of sink ${name}: spooling in SPOOL_DIR itself`,
    );
    return root;
  }
}

/**
 * The buffer of one sink: memory only (MAX_BUFFER_SIZE), or with SPOOL_DIR its own spool in
 * SPOOL_DIR/<sink name> (MAX_SPOOL_SIZE each). The first sink takes over what an earlier version
 * spooled directly in SPOOL_DIR. The folder is checked now, so that a bad SPOOL_DIR stops the
 * start with its name; it is opened when the sink is subscribed.
 */
function bufferOf(config: Config, name: string, first: boolean, log: Logger): () => DeliveryBuffer {
  const root = config.spoolDir;
  if (root === undefined) return () => new PointBuffer(config.maxBufferSize, config.bufferPolicy);
  const dir = spoolFolder(config, root, name, first, log);
  return () => {
    try {
      const at = dir !== root ? movedInto(root, dir, name, log) : root;
      const options = { maxBytes: config.maxSpoolSize, windowBytes: config.maxBufferSize, syncMs: config.spoolSync };
      return new SpoolBuffer({ dir: at, ...options, policy: config.bufferPolicy });
    } catch (error) {
      throw spoolError(config, error);
    }
  };
}

/**
 * The sinks a configuration names, each with its own batching, retries and buffer (or spool);
 * nothing is opened until a sink is subscribed. Throws `SpoolError` when SPOOL_DIR cannot be used.
 */
export function sinksFor(config: Config, deps: { log?: Logger } = {}): PointSink[] {
  const staleAfterMs = containerStaleAfterMs(config);
  const exposed = config.exposeContainerMetrics ? [prometheusSink({ staleAfterMs })] : [];
  const lines = [...lineTargets(config), ...remoteWriteTargets(config)].map((target, i) =>
    lineProtocolSink({
      ...target,
      buffer: bufferOf(config, target.name, i === 0, deps.log ?? silentLogger),
      batch: { size: config.batchSize, intervalMs: config.flushInterval, maxBatchSize: config.maxBatchSize },
      retry: { maxRetries: config.maxRetries },
      pressure: config.bufferPolicy === 'block',
      ...(config.spoolDir !== undefined ? { opened: tellReplay(config, join(config.spoolDir, target.name)) } : {}),
      ...(deps.log ? { log: deps.log } : {}),
    }),
  );
  return [...lines, ...exposed];
}

/** The engine's stats stream pushes a record a second (its collection tick), whatever POLL_INTERVAL_MS. */
const ENGINE_STREAM_MS = 1_000;

/**
 * How long a container that sends nothing stays on /metrics: three of its intervals (a running
 * container sends stats and a `container` point each), at least 5 s. Statuses and the cgroup
 * source come every SAMPLE_INTERVAL_MS; the Engine API's stats (`api`, and `auto` for a remote
 * engine) a second apart in stream mode, POLL_INTERVAL_MS apart in poll mode. One that stops
 * leaves at once, on the status that says so; this is for one that vanished without a word.
 */
export const containerStaleAfterMs = (config: Config): number => {
  const api = config.statsSource === 'cgroup' ? 0 : config.mode === 'poll' ? config.pollInterval : ENGINE_STREAM_MS;
  return Math.max(5_000, 3 * Math.max(config.sampleInterval, api));
};
