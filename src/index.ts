/**
 * docker-stats-service as a library: the typed building blocks of the pipeline, each an
 * Observable or an operator, to embed in another Rx app.
 *
 *   apiSource().stats$(engine) -> toPoints() -> map(toLineProtocol) -> batchLines() -> writeBatches(sink)
 *   containerStates$(engine) -> toContainerPoints() -> (the same)
 *   enginePoints(config, deps)(engine) -> containerRows(everyMs)      (what `top` shows)
 *   collect(config) -> openDelivery(config, deps).deliver              (the daemon's pipeline)
 */
// model: the data that flows between the stages
export type { ContainerRef } from './model/container.js';
export type { RawRecord } from './model/records.js';
export type {
  BlockDeviceSample,
  ContainerSample,
  CpuSample,
  MemorySample,
  NetworkSample,
  PreviousCpu,
} from './model/containerSample.js';
export type { ContainerStatus, CpuLimit, StatusRecord } from './model/lifecycle.js';
export { type FieldValue, Int, type Point, int } from './model/point.js';
export type { Chunk, ChunkBatch } from './model/chunk.js';
export type { DeviceNamer } from './model/device.js';
export type { DeliveryEvent, FlushReason, TelemetryEvent, TelemetrySink } from './model/telemetry.js';
export { type Logger, silentLogger } from './model/logger.js';
// sources
export { type Engine, EngineUnreachableError, checkEngine, connectEngine } from './sources/engine/engine.js';
export type { ContainerFilters } from './sources/engine/filters.js';
export type { DiscoveryEvent } from './sources/engine/discovery.js';
export { containers$ } from './sources/engine/containers.js';
export { type ContainerStatsOptions, type StatsMode, containerStats$ } from './sources/engine/containerStats.js';
export { type AllStatsOptions, allStats$, apiSource } from './sources/apiSource.js';
export { type ContainerStatesOptions, containerStates$ } from './sources/containerStates.js';
export { lifecycleStatuses } from './sources/lifecycleStatuses.js';
export type { StatsSource } from './sources/statsSource.js';
export { type WatchOptions, watchContainers } from './sources/watchContainers.js';
export { readWindows } from './sources/readWindows.js';
// parse, validate, transform, encode, batch, deliver
export { frameLines } from './parse/frameLines.js';
export { type DecodeOptions, decodeRecord, decodeStats } from './validate/decodeStats.js';
export { StatsRecord } from './validate/engineStats.js';
export { toSample } from './validate/toSample.js';
export { type ToPointsOptions, toPoints } from './transform/toPoints.js';
export { type ContainerPointOptions, containerPoint, toContainerPoints } from './transform/containerPoint.js';
export { type TagOptions, containerTagger } from './transform/containerTags.js';
export { type FieldSelection, fieldChooser, selectFields } from './transform/selectFields.js';
export { toLineProtocol } from './encode/toLineProtocol.js';
export { type Batch, type BatchOptions, batch } from './batch/batch.js';
export { type BatchLinesOptions, batchLines } from './batch/batchLines.js';
export { type BufferPolicy, PointBuffer } from './deliver/pointBuffer.js';
export type { LineSink } from './deliver/sink.js';
export { type InfluxTarget, influxSink } from './deliver/influxSink.js';
export { streamSink } from './deliver/streamSink.js';
export type { PointSink, SinkControls } from './deliver/pointSink.js';
export { type WriteBatchesOptions, writeBatches } from './deliver/writeBatches.js';
export { type RetryBackoffOptions, type RetryVerdict, retryBackoff } from './rx/retryBackoff.js';
export { type ConcurrencyGate, concurrencyGate } from './rx/concurrencyGate.js';
// view: the rows of `docker-stats-service top`, for a view of your own
export type { ContainerRow, DeviceRow, InterfaceRow } from './view/containerRow.js';
export { containerRows } from './view/containerRows.js';
export { settledRows } from './view/settledRows.js';
// telemetry, configuration, the whole service
export {
  type DeliveryCounters,
  type TelemetryState,
  foldTelemetry,
  health,
  initialTelemetry,
} from './telemetry/telemetryState.js';
export { METRICS, type MetricSpec } from './telemetry/catalogue.js';
export { Config } from './config/keys.js';
export { resolveConfig } from './config/resolveConfig.js';
export { type CollectDeps, collect, connectEngines } from './app/collect.js';
export { type TelemetryBus, telemetryBus } from './app/telemetryBus.js';
export { type Delivery, type DeliveryDeps, openDelivery } from './app/delivery.js';
export { type DaemonDeps, ForcedStopError, runDaemon } from './daemon/runDaemon.js';
export { type PointsDeps, enginePoints } from './app/enginePoints.js';
export { type LineProtocolSinkOptions, lineProtocolSink } from './app/lineProtocolSink.js';
export { SpoolError, sinksFor } from './app/sinksFor.js';
