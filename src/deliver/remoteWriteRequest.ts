import protobuf from 'protobufjs/light.js';
import snappy from 'snappyjs';
import { type Chunk, chunkLines } from '../model/chunk.js';
import { readSampleLine, staleNaN } from '../model/sampleLine.js';

// snappyjs, pure JavaScript, for snappy's block format: no native binary to build or to keep
// outside the one-file bundle (the napi `snappy` is kept more busily, but its prebuilt addon
// must sit in node_modules per platform: glibc, musl, arm); snappy's format is frozen, so its
// quiet releases (0.7.0, 2024) are not neglect, and a batch of a few hundred kB compresses in
// about a millisecond.
// protobufjs (light: reflection from a JSON schema, no .proto parser): the kept, widely used
// protobuf library, already in the dependency tree (dockerode's gRPC). Prometheus's prompb, the
// parts remote write 1.0 sends: WriteRequest{timeseries}, TimeSeries{labels, samples}.
const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
      },
    },
  },
});

/** prompb.WriteRequest, to encode and (in tests) to decode. */
export const WriteRequestType = root.lookupType('prometheus.WriteRequest');

export interface Label {
  readonly name: string;
  readonly value: string;
}
export interface Sample {
  readonly value: number;
  /** ms since the epoch. */
  readonly timestamp: number;
}
export interface TimeSeries {
  readonly labels: Label[];
  readonly samples: Sample[];
}

/**
 * A batch's sample lines as time series: one per metric name and label set, labels sorted by
 * name (`__name__` among them), each series' samples in time order (a stable sort: the batch's
 * order where times are equal). A damaged line (a spool record that does not read) is skipped.
 */
export function timeSeriesOf(lines: readonly string[]): TimeSeries[] {
  const stale = staleNaN();
  // By label set, then by name: the labels' text is made once per line, not once per sample.
  const series = new Map<string, Map<string, TimeSeries>>();
  const all: TimeSeries[] = [];
  for (const line of lines) {
    const point = readSampleLine(line);
    if (!point) continue;
    const tagKey = point.labels.join('\0');
    let byName = series.get(tagKey);
    if (!byName) series.set(tagKey, (byName = new Map()));
    for (const { name, value, stale: isStale } of point.samples) {
      let one = byName.get(name);
      if (!one) {
        const labels: Label[] = [{ name: '__name__', value: name }];
        for (let i = 0; i + 1 < point.labels.length; i += 2)
          labels.push({ name: point.labels[i]!, value: point.labels[i + 1]! });
        labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        byName.set(name, (one = { labels, samples: [] }));
        all.push(one);
      }
      one.samples.push({ value: isStale ? stale : value, timestamp: point.ms });
    }
  }
  for (const one of all) one.samples.sort((a, b) => a.timestamp - b.timestamp);
  return all;
}

/**
 * The protobuf WriteRequest of some series, not yet compressed. The plain objects have the
 * message's shape: encoded as they are, without `fromObject`'s copy (a third of the cost).
 */
export const encodeWriteRequest = (timeseries: readonly TimeSeries[]): Uint8Array =>
  WriteRequestType.encode({ timeseries }).finish();

/**
 * A chunk of sample lines as a remote-write body: a protobuf WriteRequest in snappy's block
 * format (not its framed format: the spec asks for the block).
 */
export function remoteWriteBody(chunk: Chunk): Buffer {
  const request = encodeWriteRequest(timeSeriesOf(chunkLines(chunk)));
  return Buffer.from(snappy.compress(request));
}

/** A remote-write body back to its series (tests; the stale marker keeps its bits as a double). */
export function decodeRemoteWriteBody(body: Uint8Array): TimeSeries[] {
  const message = WriteRequestType.decode(snappy.uncompress(body));
  const object = WriteRequestType.toObject(message, { longs: Number, defaults: true }) as { timeseries?: TimeSeries[] };
  return object.timeseries ?? [];
}
