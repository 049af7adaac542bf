import * as t from 'io-ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL_MS, MAX_BATCH_SIZE } from '../batch/batch.js';
import { DEFAULT_MAX_RETRIES, MAX_RETRIES_LIMIT } from '../deliver/writeBatches.js';
import { DEFAULT_MAX_CONCURRENT_POLLS } from '../sources/apiSource.js';
import {
  byteSize,
  engineAddresses,
  httpUrl,
  list,
  onOff,
  oneOf,
  optional,
  output,
  text,
  wholeNumber,
} from './inputCodecs.js';

/** One configuration key: how it is read, where from, its default and what it means. */
export interface KeySpec<A> {
  /** Reads the value from a flag or the environment (a string) or a file (any JSON value). */
  readonly codec: t.Type<A, A, unknown>;
  readonly env: string;
  readonly flag: string;
  /** As a user would write it; it goes through the codec like any value. */
  readonly default: unknown;
  readonly doc: string;
  /** A default that depends on other keys: used when no flag, variable or file sets the key. */
  readonly derived?: {
    readonly doc: string;
    readonly value: (resolved: Readonly<Record<string, unknown>>) => A | undefined;
  };
  /** Never printed: `--print-config` shows it as ***. */
  readonly secret?: true;
}

const key = <A>(spec: KeySpec<A>): KeySpec<A> => spec;

/**
 * The daemon's configuration keys, one entry each. Everything else is derived from this table:
 * the `Config` codec and type, the command line's flags and help, `--print-config`, the README's
 * table (`configTable`) and the error that names a bad value. Each key reads from a flag, else
 * an environment variable, else the config file, else its default.
 */
export const KEYS = {
  dockerHost: key({
    codec: engineAddresses,
    env: 'DOCKER_HOST',
    flag: '--docker-host',
    default: ['unix:///var/run/docker.sock'],
    doc: 'engine address(es), comma-separated: unix://path or tcp://host:port (TLS via DOCKER_TLS_VERIFY / DOCKER_CERT_PATH)',
  }),
  hostTag: key({
    codec: list,
    env: 'HOST_TAG',
    flag: '--host-tag',
    default: [],
    doc: "the `host` tag of each engine's points, comma-separated in DOCKER_HOST's order; default: the engine's name",
  }),
  influxUrl: key({
    codec: optional(httpUrl),
    env: 'INFLUX_URL',
    flag: '--influx-url',
    default: undefined,
    doc: 'InfluxDB 2 (or VictoriaMetrics) base URL; without it, line protocol goes to --output',
  }),
  influxToken: key({
    codec: optional(text),
    env: 'INFLUX_TOKEN',
    flag: '--influx-token',
    default: undefined,
    doc: 'API token (never logged; shown as ***)',
    secret: true,
  }),
  influxTokenFile: key({
    codec: optional(text),
    env: 'INFLUX_TOKEN_FILE',
    flag: '--influx-token-file',
    default: undefined,
    doc: 'file holding the token (e.g. a Docker or Kubernetes secret)',
  }),
  influxOrg: key({ codec: text, env: 'INFLUX_ORG', flag: '--influx-org', default: 'docker', doc: 'organization' }),
  influxBucket: key({ codec: text, env: 'INFLUX_BUCKET', flag: '--influx-bucket', default: 'docker', doc: 'bucket' }),
  batchSize: key({
    codec: wholeNumber(1, 1_000_000),
    env: 'BATCH_SIZE',
    flag: '--batch-size',
    default: DEFAULT_BATCH_SIZE,
    doc: 'points per batch (at most maxBatchSize)',
  }),
  flushInterval: key({
    codec: wholeNumber(1, 86_400_000),
    env: 'FLUSH_INTERVAL_MS',
    flag: '--flush-interval',
    default: DEFAULT_FLUSH_INTERVAL_MS,
    doc: "ms after a batch's first point before it is written",
    derived: { doc: '1000 without INFLUX_URL', value: (c) => (c.influxUrl === undefined ? 1000 : undefined) },
  }),
  maxRetries: key({
    codec: wholeNumber(0, MAX_RETRIES_LIMIT),
    env: 'MAX_RETRIES',
    flag: '--max-retries',
    default: DEFAULT_MAX_RETRIES,
    doc: `write retries with backoff before a batch waits for the next flush (at most ${MAX_RETRIES_LIMIT})`,
  }),
  maxBatchSize: key({
    codec: wholeNumber(1, 1_000_000),
    env: 'MAX_BATCH_SIZE',
    flag: '--max-batch-size',
    default: MAX_BATCH_SIZE,
    doc: 'largest batchSize accepted',
  }),
  maxBufferSize: key({
    codec: byteSize,
    env: 'MAX_BUFFER_SIZE',
    flag: '--max-buffer-size',
    default: '50MB',
    doc: 'bound of the buffer in bytes of line protocol (50MB, 64MiB, or bytes)',
  }),
  compression: key({
    codec: onOff,
    env: 'COMPRESSION',
    flag: '--compression',
    default: true,
    doc: 'gzip write requests over 1 kB',
  }),
  bufferPolicy: key({
    codec: oneOf('drop-oldest', 'block'),
    env: 'BUFFER_POLICY',
    flag: '--buffer-policy',
    default: 'drop-oldest',
    doc: 'when the buffer is full: drop-oldest (counted) or block (pause the sources)',
  }),
  mode: key({
    codec: oneOf('stream', 'poll'),
    env: 'MODE',
    flag: '--mode',
    default: 'stream',
    doc: 'stream (the engine pushes a record a second) or poll (one-shot requests)',
  }),
  statsSource: key({
    codec: oneOf('auto', 'cgroup', 'api'),
    env: 'STATS_SOURCE',
    flag: '--stats-source',
    default: 'auto',
    doc: "where container stats come from: auto (a local engine's containers from their cgroup files, the others from the Engine API), cgroup (only cgroup files) or api (the Engine API's stats, as `docker stats`)",
  }),
  sampleInterval: key({
    codec: wholeNumber(100, 3_600_000),
    env: 'SAMPLE_INTERVAL_MS',
    flag: '--sample-interval',
    default: 1000,
    doc: "cgroup source: ms between reads of every container's cgroup files",
  }),
  hostProc: key({
    codec: text,
    env: 'HOST_PROC',
    flag: '--host-proc',
    default: '/proc',
    doc: "cgroup source: the host's /proc (mounted read-only when the collector runs in a container)",
  }),
  hostCgroup: key({
    codec: text,
    env: 'HOST_CGROUP',
    flag: '--host-cgroup',
    default: '/sys/fs/cgroup',
    doc: "cgroup source: the host's /sys/fs/cgroup (mounted read-only when the collector runs in a container)",
  }),
  pollInterval: key({
    codec: wholeNumber(100, 86_400_000),
    env: 'POLL_INTERVAL_MS',
    flag: '--poll-interval',
    default: 10_000,
    doc: 'ms between polls in poll mode',
  }),
  readInterval: key({
    codec: wholeNumber(0, 10_000),
    env: 'READ_INTERVAL_MS',
    flag: '--read-interval',
    default: 1000,
    doc: "stream mode, up to 1,000 containers: ms between reads of the engine's streams; records wait in the socket meanwhile (one or two per container) and run through the pipeline together, for less CPU (0: read each record as it comes)",
  }),
  maxConcurrentPolls: key({
    codec: wholeNumber(1, 10_000),
    env: 'MAX_CONCURRENT_POLLS',
    flag: '--max-concurrent-polls',
    default: DEFAULT_MAX_CONCURRENT_POLLS,
    doc: 'poll requests under way at once, across containers (a one-shot waits up to 1 s for the engine: keep it near the container count)',
  }),
  includeNames: key({
    codec: list,
    env: 'INCLUDE_NAMES',
    flag: '--include-names',
    default: [],
    doc: 'container name globs to watch (empty: all)',
  }),
  excludeNames: key({
    codec: list,
    env: 'EXCLUDE_NAMES',
    flag: '--exclude-names',
    default: [],
    doc: 'container name globs to leave out',
  }),
  includeLabels: key({
    codec: list,
    env: 'INCLUDE_LABELS',
    flag: '--include-labels',
    default: [],
    doc: 'label globs to watch: key=value or key',
  }),
  excludeLabels: key({
    codec: list,
    env: 'EXCLUDE_LABELS',
    flag: '--exclude-labels',
    default: [],
    doc: 'label globs to leave out',
  }),
  includeStates: key({
    codec: list,
    env: 'INCLUDE_STATES',
    flag: '--include-states',
    default: ['running'],
    doc: 'container states to watch at start-up',
  }),
  excludeStates: key({
    codec: list,
    env: 'EXCLUDE_STATES',
    flag: '--exclude-states',
    default: [],
    doc: 'container states to leave out',
  }),
  logLevel: key({
    codec: oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'),
    env: 'LOG_LEVEL',
    flag: '--log-level',
    default: 'info',
    doc: 'pino log level (logs go to stderr)',
  }),
  metricsPort: key({
    codec: wholeNumber(0, 65_535),
    env: 'METRICS_PORT',
    flag: '--metrics-port',
    default: 9417,
    doc: 'port of /metrics and /healthz on all interfaces (0: off)',
  }),
  shutdownTimeout: key({
    codec: wholeNumber(0, 3_600_000),
    env: 'SHUTDOWN_TIMEOUT_MS',
    flag: '--shutdown-timeout',
    default: 10_000,
    doc: 'ms to flush what is buffered on SIGTERM / SIGINT',
  }),
  output: key({
    codec: output,
    env: 'OUTPUT',
    flag: '--output',
    default: 'stdout',
    doc: "without INFLUX_URL: 'stdout' or 'file:PATH' (appended)",
  }),
  internalMetrics: key({
    codec: onOff,
    env: 'INTERNAL_METRICS',
    flag: '--internal-metrics',
    default: false,
    doc: 'also write the self-metrics as an `internal` measurement',
  }),
};

type Codecs = { readonly [K in keyof typeof KEYS]: (typeof KEYS)[K]['codec'] };
const codecs = Object.fromEntries(Object.entries(KEYS).map(([name, spec]) => [name, spec.codec])) as unknown as Codecs;

/** The resolved configuration: one io-ts codec, the single source of the `Config` type. */
export const Config = t.type(codecs);
export type Config = t.TypeOf<typeof Config>;
export type ConfigKey = keyof Config;

export const keySpec = (name: ConfigKey): KeySpec<unknown> => KEYS[name] as KeySpec<unknown>;
export const configKeys = (): ConfigKey[] => Object.keys(KEYS) as ConfigKey[];
