import * as t from 'io-ts';
import { DEFAULT_MAX_CONCURRENT_POLLS } from '../collect/allStats$.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL_MS, MAX_BATCH_SIZE } from '../batch/batch.js';
import { DEFAULT_MAX_RETRIES, MAX_RETRIES_LIMIT } from '../store/retryWrite.js';
import { byteSize, engineAddresses, flag, httpUrl, list, oneOf, optional, output, text, wholeNumber } from './inputCodecs.js';

/**
 * The daemon's configuration: one io-ts codec, the single source of the `Config` type. Each key
 * reads from a flag, an environment variable and the config file (the seed's key names), in
 * that order of precedence, then its default.
 */
export const Config = t.type({
  dockerHost: engineAddresses,
  hostTag: list,
  influxUrl: optional(httpUrl),
  influxToken: optional(text),
  influxTokenFile: optional(text),
  influxOrg: text,
  influxBucket: text,
  batchSize: wholeNumber(1, 1_000_000),
  flushInterval: wholeNumber(1, 86_400_000),
  maxRetries: wholeNumber(0, MAX_RETRIES_LIMIT),
  maxBatchSize: wholeNumber(1, 1_000_000),
  maxBufferSize: byteSize,
  compression: flag,
  bufferPolicy: oneOf('drop-oldest', 'block'),
  mode: oneOf('stream', 'poll'),
  pollInterval: wholeNumber(100, 86_400_000),
  readInterval: wholeNumber(0, 10_000),
  maxConcurrentPolls: wholeNumber(1, 10_000),
  includeNames: list,
  excludeNames: list,
  includeLabels: list,
  excludeLabels: list,
  includeStates: list,
  excludeStates: list,
  logLevel: oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'),
  metricsPort: wholeNumber(0, 65_535),
  shutdownTimeout: wholeNumber(0, 3_600_000),
  output: output,
  internalMetrics: flag,
});
export type Config = t.TypeOf<typeof Config>;
export type ConfigKey = keyof Config;

export interface KeySpec {
  readonly env: string;
  readonly flag: string;
  readonly default: unknown;
  readonly doc: string;
}

/** Where each key comes from, its default and what it means: flags, README table and errors use it. */
export const KEYS: Record<ConfigKey, KeySpec> = {
  dockerHost: { env: 'DOCKER_HOST', flag: '--docker-host', default: ['unix:///var/run/docker.sock'], doc: 'engine address(es), comma-separated: unix://path or tcp://host:port (TLS via DOCKER_TLS_VERIFY / DOCKER_CERT_PATH)' },
  hostTag: { env: 'HOST_TAG', flag: '--host-tag', default: [], doc: "the `host` tag of each engine's points, comma-separated in DOCKER_HOST's order; default: the engine's name" },
  influxUrl: { env: 'INFLUX_URL', flag: '--influx-url', default: undefined, doc: 'InfluxDB 2 (or VictoriaMetrics) base URL; without it, line protocol goes to --output' },
  influxToken: { env: 'INFLUX_TOKEN', flag: '--influx-token', default: undefined, doc: 'API token (never logged; shown as ***)' },
  influxTokenFile: { env: 'INFLUX_TOKEN_FILE', flag: '--influx-token-file', default: undefined, doc: 'file holding the token (e.g. a Docker or Kubernetes secret)' },
  influxOrg: { env: 'INFLUX_ORG', flag: '--influx-org', default: 'docker', doc: 'organization' },
  influxBucket: { env: 'INFLUX_BUCKET', flag: '--influx-bucket', default: 'docker', doc: 'bucket' },
  batchSize: { env: 'BATCH_SIZE', flag: '--batch-size', default: DEFAULT_BATCH_SIZE, doc: 'points per batch (at most maxBatchSize)' },
  flushInterval: { env: 'FLUSH_INTERVAL_MS', flag: '--flush-interval', default: DEFAULT_FLUSH_INTERVAL_MS, doc: "ms after a batch's first point before it is written (1000 when writing to stdout)" },
  maxRetries: { env: 'MAX_RETRIES', flag: '--max-retries', default: DEFAULT_MAX_RETRIES, doc: `write retries with backoff before a batch waits for the next flush (at most ${MAX_RETRIES_LIMIT})` },
  maxBatchSize: { env: 'MAX_BATCH_SIZE', flag: '--max-batch-size', default: MAX_BATCH_SIZE, doc: 'largest batchSize accepted' },
  maxBufferSize: { env: 'MAX_BUFFER_SIZE', flag: '--max-buffer-size', default: '50MB', doc: 'bound of the buffer in bytes of line protocol (50MB, 64MiB, or bytes)' },
  compression: { env: 'COMPRESSION', flag: '--compression', default: true, doc: 'gzip write requests over 1 kB' },
  bufferPolicy: { env: 'BUFFER_POLICY', flag: '--buffer-policy', default: 'drop-oldest', doc: 'when the buffer is full: drop-oldest (counted) or block (pause the sources)' },
  mode: { env: 'MODE', flag: '--mode', default: 'stream', doc: 'stream (the engine pushes a record a second) or poll (one-shot requests)' },
  pollInterval: { env: 'POLL_INTERVAL_MS', flag: '--poll-interval', default: 10_000, doc: 'ms between polls in poll mode' },
  readInterval: { env: 'READ_INTERVAL_MS', flag: '--read-interval', default: 1000, doc: "stream mode, up to 1,000 containers: ms between reads of the engine's streams; records wait in the socket meanwhile (one or two per container) and run through the pipeline together, for less CPU (0: read each record as it comes)" },
  maxConcurrentPolls: { env: 'MAX_CONCURRENT_POLLS', flag: '--max-concurrent-polls', default: DEFAULT_MAX_CONCURRENT_POLLS, doc: 'poll requests under way at once, across containers (a one-shot waits up to 1 s for the engine: keep it near the container count)' },
  includeNames: { env: 'INCLUDE_NAMES', flag: '--include-names', default: [], doc: 'container name globs to watch (empty: all)' },
  excludeNames: { env: 'EXCLUDE_NAMES', flag: '--exclude-names', default: [], doc: 'container name globs to leave out' },
  includeLabels: { env: 'INCLUDE_LABELS', flag: '--include-labels', default: [], doc: 'label globs to watch: key=value or key' },
  excludeLabels: { env: 'EXCLUDE_LABELS', flag: '--exclude-labels', default: [], doc: 'label globs to leave out' },
  includeStates: { env: 'INCLUDE_STATES', flag: '--include-states', default: ['running'], doc: 'container states to watch at start-up' },
  excludeStates: { env: 'EXCLUDE_STATES', flag: '--exclude-states', default: [], doc: 'container states to leave out' },
  logLevel: { env: 'LOG_LEVEL', flag: '--log-level', default: 'info', doc: 'pino log level (logs go to stderr)' },
  metricsPort: { env: 'METRICS_PORT', flag: '--metrics-port', default: 9417, doc: 'port of /metrics and /healthz on all interfaces (0: off)' },
  shutdownTimeout: { env: 'SHUTDOWN_TIMEOUT_MS', flag: '--shutdown-timeout', default: 10_000, doc: 'ms to flush what is buffered on SIGTERM / SIGINT' },
  output: { env: 'OUTPUT', flag: '--output', default: 'stdout', doc: "without INFLUX_URL: 'stdout' or 'file:PATH' (appended)" },
  internalMetrics: { env: 'INTERNAL_METRICS', flag: '--internal-metrics', default: false, doc: 'also write the self-metrics as an `internal` measurement' },
};
