import * as t from 'io-ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL_MS, MAX_BATCH_SIZE } from '../batch/batch.js';
import { DEFAULT_MAX_RETRIES, MAX_RETRIES_LIMIT } from '../deliver/writeBatches.js';
import { DEFAULT_MAX_CONCURRENT_POLLS } from '../sources/apiSource.js';
import { type KeySpec, key } from './keySpec.js';
import { ALERT_KEYS } from './alertKeys.js';
import { SELECTION_KEYS } from './selectionKeys.js';
import { REMOTE_WRITE_KEYS } from './remoteWriteKeys.js';
import { SINK_KEYS } from './sinkKeys.js';
import { byteSize, engineAddresses, list, onOff, oneOf, optional, output, text, wholeNumber } from './inputCodecs.js';

export type { KeySpec } from './keySpec.js';

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
    doc: 'engine address(es), comma-separated: unix://path or tcp://host:port (TLS via DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH)',
  }),
  hostTag: key({
    codec: list,
    env: 'HOST_TAG',
    flag: '--host-tag',
    default: [],
    doc: "the `host` tag of each engine's points, comma-separated in DOCKER_HOST's order; default: the engine's name",
  }),
  ...SINK_KEYS,
  ...REMOTE_WRITE_KEYS,
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
  spoolDir: key({
    codec: optional(text),
    env: 'SPOOL_DIR',
    flag: '--spool-dir',
    default: undefined,
    doc: 'a folder for the disk spool: every batch is on disk until the database acknowledges it, and survives a crash or restart (off without it)',
  }),
  maxSpoolSize: key({
    codec: byteSize,
    env: 'MAX_SPOOL_SIZE',
    flag: '--max-spool-size',
    default: '1GB',
    doc: 'bound of the spool on disk; past it the oldest points are dropped (counted), or with BUFFER_POLICY=block the sources wait',
  }),
  spoolSync: key({
    codec: wholeNumber(0, 3_600_000),
    env: 'SPOOL_SYNC_MS',
    flag: '--spool-sync',
    default: 1000,
    doc: 'the most a crash of the machine can lose: ms between fsyncs of the spool (0: at every batch); a killed process loses nothing',
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
  ...SELECTION_KEYS,
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
    doc: 'port of /metrics and the probes (/livez, /readyz, /healthz) on all interfaces (0: off)',
  }),
  exposeContainerMetrics: key({
    codec: onOff,
    env: 'EXPOSE_CONTAINER_METRICS',
    flag: '--expose-container-metrics',
    default: false,
    doc: 'also serve every container\'s metrics on /metrics, under cAdvisor\'s names (README, "Prometheus"); adds the cumulative `cpu.usage_total_ns`, `user_total_ns`, `system_total_ns` and `memory.total_usage_bytes` fields',
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
  ...ALERT_KEYS,
};

type Codecs = { readonly [K in keyof typeof KEYS]: (typeof KEYS)[K]['codec'] };
const codecs = Object.fromEntries(Object.entries(KEYS).map(([name, spec]) => [name, spec.codec])) as unknown as Codecs;

/** The resolved configuration: one io-ts codec, the single source of the `Config` type. */
export const Config = t.type(codecs);
export type Config = t.TypeOf<typeof Config>;
export type ConfigKey = keyof Config;

export const keySpec = (name: ConfigKey): KeySpec<unknown> => KEYS[name] as KeySpec<unknown>;
export const configKeys = (): ConfigKey[] => Object.keys(KEYS) as ConfigKey[];
