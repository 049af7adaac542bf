/**
 * docker-stats-service as a library: the stages of the pipeline, each an Observable or an
 * operator, grouped here in the order the data flows through them.
 *
 *   apiSource().stats$(engine) | cgroupSource().stats$(engine)         ContainerSample
 *     -> toPoints()                                                     Point
 *     -> lineProtocolSink({ open: () => influxSink(target), ... }).deliver(points$)
 *   lifecycle$(engine) -> toContainerPoints()                           the `container` points
 *   collect(config) -> openDelivery(config, deps).deliver              the daemon (runDaemon)
 *   collect(config) -> containerRows(everyMs)                          what `top` shows
 */
// model: the data that flows between the stages
export type { ContainerRef } from './model/container.js';
export type { Instant } from './model/timestamp.js';
export type { RawRecord } from './model/records.js';
export type {
  BlockDeviceSample,
  ContainerSample,
  CpuSample,
  MemorySample,
  NetworkSample,
  PressureSample,
  PressureSamples,
  PreviousCpu,
} from './model/containerSample.js';
export type {
  ContainerStatus,
  CpuLimit,
  HealthState,
  LifecycleRecord,
  Limits,
  RemovalRecord,
  StatusRecord,
} from './model/lifecycle.js';
export type { AlertInput } from './alert/alertInput.js';
export { type FieldValue, Int, type Point, int } from './model/point.js';
export type { Chunk, ChunkBatch } from './model/chunk.js';
export type { DeviceNamer } from './model/device.js';
export type {
  DeliveryEvent,
  DeliveryFact,
  DropReason,
  FlushReason,
  RecordEvent,
  SourceEvent,
  SpoolOperation,
  TelemetryEvent,
  TelemetrySink,
} from './model/telemetry.js';
export { type Logger, silentLogger } from './model/logger.js';
// sources: samples and the lifecycle, from the Engine API or the cgroup files
export {
  type Engine,
  EngineUnreachableError,
  checkEngine,
  closeEngine,
  connectEngine,
} from './sources/engine/engine.js';
export type { DockerEnv } from './sources/engine/dockerHost.js';
export type { EngineEvent, InspectedContainer, ListedContainer } from './sources/engine/engineCodecs.js';
export type { ContainerFilters } from './sources/engine/filters.js';
export type { DiscoveryEvent } from './sources/engine/discovery.js';
export { type EventsOptions, containers$ } from './sources/engine/containers.js';
export { type RawStatsOptions, type StatsMode, rawStats$ } from './sources/engine/rawStats.js';
export type { StatsSource } from './sources/statsSource.js';
export { type AllStatsOptions, allStats$, apiSource } from './sources/apiSource.js';
export { type CgroupSourceOptions, cgroupSource } from './sources/cgroupSource.js';
export { type WatchOptions, watchContainers } from './sources/watchContainers.js';
export { readWindows } from './sources/readWindows.js';
export { type LifecycleOptions, lifecycle$ } from './sources/containerLifecycle.js';
export { type LifecycleOptions as LifecycleStatusesOptions, lifecycleStatuses } from './sources/lifecycleStatuses.js';
export type { EventWork, Known, LifecycleBook } from './sources/engine/lifecycleBook.js';
export type { SeenEvents } from './sources/engine/seenEvents.js';
export type { Tombstones } from './sources/engine/tombstones.js';
// parse, validate: the Engine API's bytes and JSON into samples
export { frameLines } from './parse/frameLines.js';
export { type DecodeOptions, decodeRecord, decodeStats } from './validate/decodeStats.js';
export { StatsRecord } from './validate/engineStats.js';
export { toSample } from './validate/toSample.js';
// transform: samples into points
export { type ToPointsOptions, toPoints } from './transform/toPoints.js';
export { type ContainerPointOptions, containerPoint, toContainerPoints } from './transform/containerPoint.js';
export { type TagOptions, containerTagger } from './transform/containerTags.js';
export { type Choose, type FieldSelection, fieldChooser, selectFields } from './transform/selectFields.js';
// encode, batch
export { toLineProtocol } from './encode/toLineProtocol.js';
export { type Batch, type BatchOptions, batch } from './batch/batch.js';
export { type BatchLinesOptions, batchLines } from './batch/batchLines.js';
// deliver: sinks that take points, and the line-protocol pieces they are made of
export type { Exposition, PointSink, SinkControls } from './deliver/pointSink.js';
export { type LineProtocolSinkOptions, lineProtocolSink } from './app/lineProtocolSink.js';
export type { LineSink } from './deliver/sink.js';
export { type InfluxTarget, type InfluxV1, influxSink } from './deliver/influxSink.js';
export { streamSink } from './deliver/streamSink.js';
export type { DeliveryBuffer } from './deliver/deliveryBuffer.js';
export { type BufferPolicy, PointBuffer } from './deliver/pointBuffer.js';
export { SpoolBuffer, type SpoolOptions, type SpoolReplay } from './deliver/spool/spoolBuffer.js';
export { type WriteBatchesOptions, writeBatches } from './deliver/writeBatches.js';
// shared operators
export { type RetryBackoffOptions, type RetryNotice, type RetryVerdict, retryBackoff } from './rx/retryBackoff.js';
export type { BackoffOptions } from './rx/backoff.js';
export { type ConcurrencyGate, concurrencyGate } from './rx/concurrencyGate.js';
// the daemon as a whole: configuration, collection, delivery, telemetry
export { Config } from './config/keys.js';
export { type ConfigSources, resolveConfig } from './config/resolveConfig.js';
export { type PointsDeps, enginePoints } from './app/enginePoints.js';
export { type CollectDeps, collect, connectEngines } from './app/collect.js';
export { SpoolError, sinksFor } from './app/sinksFor.js';
export { type Delivery, type DeliveryDeps, openDelivery } from './app/delivery.js';
export { type DaemonDeps, ForcedStopError, runDaemon } from './daemon/runDaemon.js';
export { SpoolTakenError } from './daemon/holdSpool.js';
export { SpoolLockedError } from './deliver/spool/spoolLock.js';
export { type TelemetryBus, telemetryBus } from './app/telemetryBus.js';
export {
  type DeliveryCounters,
  type EngineHealth,
  type TelemetryState,
  foldTelemetry,
  health,
  initialTelemetry,
} from './telemetry/telemetryState.js';
export { METRICS, type MetricSpec } from './telemetry/catalogue.js';
// view: the rows of `docker-stats-service top`, for a view of your own
export type { ContainerRow, DeviceRow, InterfaceRow } from './view/containerRow.js';
export type { FiringAlert } from './view/firingAlerts.js';
export { containerRows } from './view/containerRows.js';
export { settledRows } from './view/settledRows.js';
