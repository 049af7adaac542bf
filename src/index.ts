/**
 * docker-stats-service as a library: the typed building blocks of the pipeline, each an
 * Observable or an operator, to embed in another Rx app.
 *
 *   allStats$(engine) -> decodeStats() -> toPoints() -> map(toLineProtocol) -> batch() -> writeBatches(sink)
 */
export { type ContainerRef } from './collect/engineCodecs.js';
export { type Engine, EngineUnreachableError, checkEngine, connectEngine } from './collect/connection.js';
export { type ContainerFilters } from './collect/filters.js';
export { type DiscoveryEvent } from './collect/discovery.js';
export { containers$ } from './collect/containers$.js';
export { type ContainerStatsOptions, type StatsMode, containerStats$ } from './collect/containerStats$.js';
export { type AllStatsOptions, type StatsLine, allStats$ } from './collect/allStats$.js';
export { MAX_WINDOWED_STREAMS, READ_WINDOW_OPEN_MS, type ReadWindowsWhileFewOptions, readWindows, readWindowsWhileFew } from './collect/readWindows.js';
export { type DecodeFailure, type DecodeOptions, type DecodedStats, decodeRecord, decodeStats } from './validate/decodeStats.js';
export { StatsRecord } from './validate/statsCodec.js';
export { type ToPointsOptions, recordPoints, toPoints } from './transform/toPoints.js';
export { type FieldValue, Int, type Point, int } from './transform/point.js';
export { toLineProtocol, toLineProtocolBody } from './store/toLineProtocol.js';
export { type Batch, type BatchOptions, type FlushReason, type Flushed, type Gatherer, batch, gatherBatches } from './batch/batch.js';
export { type BatchLinesOptions, batchLines } from './batch/batchLines.js';
export { type BufferPolicy, PointBuffer } from './store/pointBuffer.js';
export { type Chunk, type ChunkWriter, chunkLines, chunkWriter, encodeChunk, rawBody } from './batch/chunk.js';
export { type DeliveryEvent, type WriteBatchesOptions, writeBatches } from './store/writeBatches.js';
export { DeliveryCounters } from './store/deliveryCounters.js';
export { type InfluxTarget, type LineSink, influxSink } from './store/influxSink.js';
export { streamSink } from './store/streamSink.js';
export { retryBackoff } from './rx/retryBackoff.js';
export { Config } from './config/configCodec.js';
export { resolveConfig } from './config/resolveConfig.js';
export { type Service, type ServiceDeps, createService } from './service.js';
export { type Logger, silentLogger } from './log.js';
